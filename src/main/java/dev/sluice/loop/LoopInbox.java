package dev.sluice.loop;

import dev.sluice.util.ManyToOneArrayQueue;
import java.nio.channels.Selector;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How other threads hand work to an {@link EventLoop}: its bounded inbox
 * ({@link EventLoop#execute(Runnable)}), {@link EventLoop#call(Callable)},
 * which waits for the work's result, and the selector wakeup that goes with
 * them and with posted messages. The loop takes the items in its pass.
 *
 * <p>The inbox holds {@link EventLoop#INBOX_CAPACITY} items; an {@code
 * execute} that finds it full throws {@link RejectedExecutionException} and
 * is counted ({@link LoopCounters#inboxFull}, {@code inbox_full} in the
 * summary). Why 4096: in one pass a loop receives at most a batch of accepted
 * connections ({@code Listener.ACCEPT_BATCH}, 64) from each other loop that
 * accepts for it (only without {@code SO_REUSEPORT}), its connector's
 * deferred outcomes (one per connect, and connects happen in the at most
 * {@link EventLoop#RUN_BUDGET} task runs of a pass), and rare control work
 * (stats reads, the graceful stop's sweep, a listener's start and close); it
 * takes up to {@link EventLoop#INBOX_BUDGET} items a pass. 4096 is four
 * passes' worth, 16 KB of references allocated with the loop. A full inbox
 * means the loop is far behind: refusing more (a handed connection is closed,
 * a stats read fails) sheds load instead of queueing without bound. Slot
 * grants never go through the inbox, so they are never refused.
 *
 * <p>Thread-safe: any thread sends; only the loop's own thread takes items
 * and says when it sleeps.
 */
final class LoopInbox {
    private static final long CALL_WAIT_MILLIS = 10_000;

    private final EventLoop loop;
    private final Selector selector;
    private final ManyToOneArrayQueue<Runnable> items = new ManyToOneArrayQueue<>(EventLoop.INBOX_CAPACITY);
    /**
     * True while the loop is awake (it will look at the inbox and the messages
     * before it sleeps again), or once a wakeup is on its way. Senders call
     * {@link Selector#wakeup()} only when they flip it from false, so a burst
     * of {@code execute} and {@code post} calls costs at most one wakeup system call.
     */
    private final AtomicBoolean wakeupPending = new AtomicBoolean(true);
    private final AtomicLong wakeups = new AtomicLong();

    LoopInbox(EventLoop loop, Selector selector) {
        this.loop = loop;
        this.selector = selector;
    }

    /** Queues {@code work} and wakes the loop; see {@link EventLoop#execute(Runnable)}. */
    void execute(Runnable work) {
        if (!items.offer(work)) {
            throw new RejectedExecutionException("loop " + loop.id() + "'s inbox is full (" + EventLoop.INBOX_CAPACITY
                    + " items)");
        }
        wakeUp();
    }

    /** Wakes the loop's select, unless this is the loop's own thread or a wakeup is on its way. */
    void wakeUp() {
        if (!loop.inLoop() && wakeupPending.compareAndSet(false, true)) {
            wakeups.incrementAndGet();
            selector.wakeup();
        }
    }

    /** Runs {@code work} on the loop and waits for its result; see {@link EventLoop#call(Callable)}. */
    <T> T call(Callable<T> work) {
        int id = loop.id();
        if (loop.inLoop()) {
            throw new IllegalStateException("call() on loop " + id + "'s own thread would wait for itself");
        }
        if (!loop.isRunning()) {
            throw new IllegalStateException("loop " + id + " is not running");
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            execute(() -> {
                try {
                    result.complete(work.call());
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("loop " + id + " cannot take the work now", e);
        }
        try {
            return result.get(CALL_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("work on loop " + id + " failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("loop " + id + " did not answer within " + CALL_WAIT_MILLIS + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for loop " + id, e);
        }
    }

    /** The oldest item, or null. The loop's thread only. */
    Runnable poll() {
        return items.poll();
    }

    boolean isEmpty() {
        return items.isEmpty();
    }

    /** Items refused because the inbox was full, since the start. */
    long rejected() {
        return items.rejected();
    }

    /**
     * The loop is about to sleep in its select: a sender from now on wakes it.
     * The loop looks at the inbox and the messages after this, so that an item
     * sent before it is seen then, and one sent after it wakes the select.
     */
    void sleeping() {
        wakeupPending.set(false);
    }

    /** The loop is awake again: senders need not wake it. */
    void awake() {
        wakeupPending.set(true);
    }

    /** Selector wakeups sent: at most one per sleep. */
    long wakeups() {
        return wakeups.get();
    }
}
