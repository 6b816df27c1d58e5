package dev.sluice.loop;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * A loop's {@link Message}s: an intrusive stack that any thread pushes onto
 * with a compare-and-set, and that the loop takes whole with one swap and
 * delivers oldest first. Unbounded by design, because bounded by the message
 * objects that exist (see {@link Message}).
 *
 * <p>Thread-safe for any number of posters and one deliverer (the loop's thread).
 */
final class PostedMessages {
    private static final VarHandle TOP;

    static {
        try {
            TOP = MethodHandles.lookup().findVarHandle(PostedMessages.class, "top", Message.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The message posted last, linked to the ones before it through {@link Message#nextPosted}. */
    private volatile Message top;

    /** @throws IllegalStateException if {@code message} is pending already */
    void post(Message message) {
        message.markPosted();
        Message t;
        do {
            t = top;
            message.nextPosted = t;
        } while (!TOP.compareAndSet(this, t, message));
    }

    boolean isEmpty() {
        return top == null;
    }

    /**
     * Delivers every message posted before the call, oldest first; those posted
     * while it runs wait for the next call. A message that throws is reported to
     * {@code failed} and the others are still delivered. Returns how many ran.
     * The loop's thread only.
     */
    int deliverAll(Consumer<Throwable> failed) {
        Message m = (Message) TOP.getAndSet(this, (Message) null);
        if (m == null) {
            return 0;
        }
        Message oldest = null;
        while (m != null) {
            Message before = m.nextPosted;
            m.nextPosted = oldest;
            oldest = m;
            m = before;
        }
        int n = 0;
        for (m = oldest; m != null; ) {
            Message next = m.nextPosted;
            m.nextPosted = null;
            // Delivered from now on: the work may post the same message again.
            m.markDelivered();
            n++;
            try {
                m.deliver();
            } catch (Throwable t) {
                failed.accept(t);
            }
            m = next;
        }
        return n;
    }
}
