package dev.sluice.loop;

import dev.sluice.buffer.BufferPool;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.lang.management.ManagementFactory;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * The NIO event loop: one thread ({@code sluice-loop-N}), one {@link Selector},
 * a {@link RunQueue}, a {@link TimerQueue}, its own {@link BufferPool} and
 * {@link LoopCounters}, and two ways in for other threads: a bounded inbox of
 * work ({@link #execute(Runnable)}) and a list of {@link Message}s that carry
 * their own links ({@link #post(Message)}, for slot grants). The inbox, its
 * capacity and the wakeups are its {@link LoopInbox}'s.
 *
 * <p>One pass of the duty cycle: deliver the posted messages, run the inbox,
 * run the run queue (at most {@link #RUN_BUDGET} tasks, so that I/O is never
 * starved), run at most {@link #HEAVY_BUDGET} heavy tasks ({@link
 * #scheduleHeavy}), move expired timers to the run queue, then select. The
 * select does not block when tasks are queued, and otherwise sleeps until
 * the next timer. Ready keys go to their attached {@link Selectable}.
 *
 * <p>A task, message, inbox item or handler that throws is logged on {@code System.err}
 * with the loop's id, counted in {@link #errors()}, and the loop goes on; a
 * {@link Selectable} that threw is closed, since its key would otherwise be
 * reported ready again and again.
 *
 * <p>Threading: {@link #execute(Runnable)}, {@link #post(Message)}, {@link #call(Callable)},
 * {@link #start()}, {@link #stop()} and the counter getters may be called from
 * any thread; every other method only on the loop's own thread (or before
 * {@link #start()}).
 */
public final class EventLoop extends LoopCore {
    /** Tasks run per pass before the loop looks at I/O again. */
    static final int RUN_BUDGET = 1024;
    /**
     * Heavy tasks ({@link #scheduleHeavy}: a TLS handshake flight's key
     * exchange and signature, 1 to 2 ms of CPU each with the JDK's engine once
     * compiled, several times that before) run per pass. Run as they came, a
     * burst of new TLS connections would hold every ready connection's I/O for
     * the whole burst: 32 ClientHellos made passes of 50 to 260 ms. One per
     * pass keeps what a connection at work waits for them to one flight's
     * work, and costs the handshakes only a poll between turns (a
     * non-blocking one while any waits), not CPU: every I/O event is still
     * handled once.
     */
    static final int HEAVY_BUDGET = 1;
    /** Inbox items run per pass, for the same reason. */
    static final int INBOX_BUDGET = 1024;
    /** Items the inbox holds; see {@link LoopInbox} for the choice. */
    public static final int INBOX_CAPACITY = 4096;
    private static final long STOP_WAIT_MILLIS = 10_000;

    private final int id;
    private final BufferPool pool;
    /**
     * The loop's time, read from the system clock a few times a pass (before
     * the tasks, before the timers, at the first ready key of a select) rather
     * than at each of the many reads sessions make: a timeout armed from it is
     * early by at most one pass, as with HAProxy's per-pass clock.
     */
    private long passTime = System.nanoTime();
    private boolean passTimeFresh;
    private final Clock clock = () -> passTime;
    private final Selector selector;
    private final Thread thread;
    private final LoopInbox inbox;
    /** The heavy tasks waiting for their turn, {@link #HEAVY_BUDGET} a pass. */
    private final RunQueue heavy = new RunQueue();
    private final Consumer<SelectionKey> dispatcher = this::dispatch;
    private final Consumer<Throwable> messageFailed = t -> failed("message", t);
    private volatile boolean stopping;
    /** Where connections read bytes only to drop them; allocated on first use. */
    private ByteBuffer drain;
    /** The most connections that linger before their close at once, per loop. */
    static final int MAX_LINGERING = 1024;
    private int lingering;
    /** {@link #allocatedBytes()} as the thread ended, for the summary printed after the stop. */
    private volatile long allocatedAtStop = -1;
    private volatile long errors;
    private Runnable closeHook;
    /**
     * Channels whose keys were cancelled, closed once the selector has dropped
     * them. Closing a channel that is still registered makes the JDK read
     * SO_LINGER and shut the socket down before its deferred close; closed
     * after the deregistration it is one {@code close} system call.
     */
    private ArrayList<SelectableChannel> closing = new ArrayList<>();
    private ArrayList<SelectableChannel> closingSpare = new ArrayList<>();

    /**
     * Opens the selector; the thread starts with {@link #start()}.
     *
     * @param pool this loop's buffers, used only from this loop's thread from now on
     */
    public EventLoop(int id, BufferPool pool) throws IOException {
        this.id = id;
        this.pool = pool;
        this.selector = Selector.open();
        this.thread = new Thread(this::runLoop, "sluice-loop-" + id);
        this.inbox = new LoopInbox(this, selector);
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public BufferPool pool() {
        return pool;
    }

    /**
     * {@inheritDoc}
     *
     * @throws RejectedExecutionException when the {@link #INBOX_CAPACITY} places are taken
     */
    @Override
    public void execute(Runnable work) {
        inbox.execute(work);
    }

    @Override
    protected void messagePosted() {
        inbox.wakeUp();
    }

    /**
     * Bytes of Java heap the loop's thread has allocated since it started, or -1
     * where the JVM does not measure it: the figure behind "steady-state traffic
     * allocates (almost) nothing". Thread-safe.
     */
    public long allocatedBytes() {
        if (!thread.isAlive()) {
            return allocatedAtStop;
        }
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx
                && mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled()) {
            return mx.getThreadAllocatedBytes(thread.threadId());
        }
        return -1;
    }

    /**
     * Takes one of the loop's places for a lingering close, or answers false
     * when all {@link #MAX_LINGERING} are taken: the connection then closes at
     * once, so that clients that keep uploading after their answer cannot hold
     * an unbounded number of descriptors. Loop thread only.
     */
    public boolean startLingering() {
        if (lingering >= MAX_LINGERING) {
            return false;
        }
        lingering++;
        return true;
    }

    /** Gives back a place taken by {@link #startLingering()}. Loop thread only. */
    public void endLingering() {
        lingering--;
    }

    /**
     * Scratch space for bytes read only to be dropped: what a lingering close
     * still receives, and the byte a liveness probe of an idle connection reads.
     * Loop thread only.
     */
    public ByteBuffer drainBuffer() {
        if (drain == null) {
            drain = ByteBuffer.allocateDirect(8192);
        }
        return drain;
    }

    /** True from {@link #start()} until the loop's thread has ended. */
    public boolean isRunning() {
        return thread.isAlive();
    }

    /**
     * Runs {@code work} on the loop and waits (at most 10 s) for its result:
     * for stats reads and tests, never on the request path.
     *
     * @throws IllegalStateException when called on the loop's own thread (it would wait for itself),
     *                               when the loop is not running, when its inbox is full, or when
     *                               it does not answer in time
     */
    public <T> T call(Callable<T> work) {
        return inbox.call(work);
    }

    /**
     * Registers a channel (already non-blocking) with no interest yet; the
     * key's attachment is {@code selectable}.
     */
    public SelectionKey register(SelectableChannel channel, Selectable selectable) throws ClosedChannelException {
        if (thread.isAlive() && !inLoop()) {
            throw new IllegalStateException("register on loop " + id + " from thread " + Thread.currentThread().getName());
        }
        return channel.register(selector, 0, selectable);
    }

    /**
     * Cancels {@code key} and closes its channel right after the loop's next
     * select, which drops the key from the selector: the peer sees the close
     * within the same pass. Loop thread only.
     */
    public void closeAfterDeregistration(SelectionKey key) throws IOException {
        key.cancel();
        if (inLoop()) {
            closing.add(key.channel());
        } else {
            // Before the start or after the stop nothing would close it later.
            key.channel().close();
        }
    }

    /** True on this loop's own thread. */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Set before {@link #start()}: runs on the loop's thread when it stops, before the remaining keys close. */
    public void onClose(Runnable hook) {
        this.closeHook = hook;
    }

    public void start() {
        thread.start();
    }

    /**
     * Stops the loop and waits (at most 10 s) for its thread to end. The thread
     * runs what is in the inbox, then the close hook, closes every channel
     * still registered, and closes the selector. Work sent after that never runs.
     * Called on the loop's own thread, it only asks the loop to stop after this pass.
     */
    public void stop() {
        stopping = true;
        if (inLoop()) {
            return;
        }
        if (!thread.isAlive()) {
            if (thread.getState() == Thread.State.NEW) {
                shutDown();
            }
            return;
        }
        selector.wakeup();
        try {
            thread.join(STOP_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (thread.isAlive()) {
            throw new IllegalStateException("loop " + id + " did not stop within " + STOP_WAIT_MILLIS + " ms");
        }
    }

    /** Tasks, inbox items and handlers that threw since start. */
    public long errors() {
        return errors;
    }

    /** Selector wakeups sent by {@link #execute(Runnable)} and {@link #post(Message)}: at most one per sleep. */
    public long wakeups() {
        return inbox.wakeups();
    }

    /** Tasks run since start, heavy ones included. */
    public long taskRuns() {
        return runQueue.runs() + heavy.runs();
    }

    /**
     * {@inheritDoc} Here at most {@link #HEAVY_BUDGET} run per pass, in the
     * order they came, after the pass's tasks and before its select. Loop
     * thread only.
     */
    @Override
    public void scheduleHeavy(Task task) {
        heavy.schedule(task);
    }

    private void runLoop() {
        while (!stopping) {
            passTime = System.nanoTime();
            runInbox();
            runTasks(runQueue, RUN_BUDGET, "task");
            runTasks(heavy, HEAVY_BUDGET, "heavy task");
            passTime = System.nanoTime();
            timers.expire(passTime, runQueue);
            select();
        }
        shutDown();
        allocatedAtStop = allocatedBytes();
    }

    private void runInbox() {
        deliverMessages(messageFailed);
        counters.inboxFull = inbox.rejected();
        for (int i = 0; i < INBOX_BUDGET; i++) {
            Runnable work = inbox.poll();
            if (work == null) {
                return;
            }
            try {
                work.run();
            } catch (Throwable t) {
                failed("inbox item", t);
            }
        }
    }

    /** Runs at most {@code budget} of {@code queue}'s tasks, those woken meanwhile included. */
    private void runTasks(RunQueue queue, int budget, String what) {
        while (budget > 0 && !queue.isEmpty()) {
            try {
                budget -= queue.runAll(budget);
            } catch (Throwable t) {
                // The failed task is already off the queue; the ones after it run next.
                budget--;
                failed(what, t);
            }
        }
    }

    private void select() {
        pollStarted();
        passTimeFresh = false;
        // Only keys cancelled before this select are dropped by it.
        ArrayList<SelectableChannel> dropped = closing;
        closing = closingSpare;
        closingSpare = dropped;
        try {
            if (!runQueue.isEmpty() || !heavy.isEmpty() || !dropped.isEmpty()) {
                selector.selectNow(dispatcher);
            } else {
                sleepingSelect();
            }
        } catch (IOException e) {
            failed("select", e);
        }
        pollEnded();
        closeAll(dropped);
    }

    /** The select when no task waits: it sleeps until I/O, the inbox, or the next timer. */
    private void sleepingSelect() throws IOException {
        inbox.sleeping();
        // Read after the flag is down: an item sent before this point is
        // seen here, one sent after it wakes the select below.
        if (!inbox.isEmpty() || hasMessages() || stopping) {
            selector.selectNow(dispatcher);
        } else {
            long next = timers.nextDeadline();
            if (next == Long.MAX_VALUE) {
                selector.select(dispatcher);
            } else {
                long waitNanos = next - System.nanoTime();
                if (waitNanos <= 0) {
                    selector.selectNow(dispatcher);
                } else {
                    // Round up: waking before the deadline would cost an empty pass.
                    selector.select(dispatcher, (waitNanos + 999_999) / 1_000_000);
                }
            }
        }
        inbox.awake();
    }

    private void closeAll(ArrayList<SelectableChannel> channels) {
        for (int i = 0, n = channels.size(); i < n; i++) {
            SelectableChannel channel = channels.get(i);
            try {
                channel.close();
            } catch (IOException e) {
                System.err.println("sluice-loop-" + id + ": closing " + channel + " failed: " + e);
            }
        }
        channels.clear();
    }

    private void dispatch(SelectionKey key) {
        if (!passTimeFresh) {
            // The select may have slept: the ready keys see the time they woke it.
            passTime = System.nanoTime();
            passTimeFresh = true;
        }
        if (!key.isValid()) {
            return;
        }
        Selectable selectable = (Selectable) key.attachment();
        try {
            selectable.ready(key.readyOps());
        } catch (Throwable t) {
            failed("handler", t);
            closeQuietly(selectable);
        }
    }

    private void shutDown() {
        runInbox();
        if (closeHook != null) {
            try {
                closeHook.run();
            } catch (Throwable t) {
                failed("close hook", t);
            }
        }
        if (selector.isOpen()) {
            for (SelectionKey key : selector.keys()) {
                if (key.attachment() instanceof Selectable selectable) {
                    closeQuietly(selectable);
                }
            }
            try {
                selector.close();
            } catch (IOException e) {
                failed("selector close", e);
            }
        }
        closeAll(closing);
        closeAll(closingSpare);
    }

    private void closeQuietly(Selectable selectable) {
        try {
            selectable.close();
        } catch (Throwable t) {
            failed("close", t);
        }
    }

    private void failed(String what, Throwable t) {
        errors++;
        counters.taskFailures++;
        System.err.println("sluice-loop-" + id + ": " + what + " failed: " + t);
        t.printStackTrace(System.err);
    }

    @Override
    public String toString() {
        return "sluice-loop-" + id;
    }
}
