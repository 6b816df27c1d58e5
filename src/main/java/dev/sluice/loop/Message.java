package dev.sluice.loop;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Work that any thread {@linkplain Loop#post posts} to a loop and that runs on
 * the loop's thread, carrying its own link: posting allocates nothing and
 * never fails, unlike {@link Loop#execute(Runnable)}, whose inbox is bounded.
 *
 * <p>Why it cannot overflow: a message object is pending at most once at a
 * time (posting it again before the loop delivered it fails loudly), so the
 * messages pending on a loop are bounded by the message objects that exist,
 * which their owners make once (a slot grant is the session's own slot
 * waiter: one per session).
 *
 * <p>Thread-safe: {@code post} from any thread; {@link #deliver()} runs on the
 * loop's thread, after everything the poster wrote before posting.
 */
public abstract class Message {
    private static final VarHandle PENDING;

    static {
        try {
            PENDING = MethodHandles.lookup().findVarHandle(Message.class, "pending", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Posted and not yet delivered. */
    private volatile boolean pending;
    /** The message posted before this one; written by the poster before it publishes this message. */
    Message nextPosted;

    /** Does the work, on the loop's thread. Called only by the loop, once per post. */
    protected abstract void deliver();

    /** True from the post until the loop starts delivering it. */
    public final boolean isPending() {
        return pending;
    }

    /** Marks the message pending, refusing a second post while the first is not delivered. */
    final void markPosted() {
        if (!PENDING.compareAndSet(this, false, true)) {
            throw new IllegalStateException(this + " is posted again before its delivery");
        }
    }

    final void markDelivered() {
        pending = false;
    }
}
