package dev.sluice.util;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded FIFO that many threads offer to and one thread polls, on a
 * fixed array allocated once: nothing is allocated per element. When the
 * array is full an offer fails, returns false and is counted; it never blocks
 * and never grows.
 *
 * <p>The algorithm is the one of Agrona's {@code ManyToOneConcurrentArrayQueue}
 * (our own code): a producer claims a position by compare-and-set on the
 * tail and then publishes its element into that slot with a release store;
 * the consumer reads the slot at the head with an acquire load, clears it and
 * moves the head with a release store. A slot claimed but not yet published
 * reads as empty to {@link #poll()} while {@link #isEmpty()} already says
 * "not empty": the consumer comes back for it, it is not lost.
 *
 * <p>Thread-safe for any number of producers ({@link #offer}) and exactly one
 * consumer ({@link #poll}); the other methods may be called from any thread
 * and give a recent value.
 *
 * @param <E> the elements' type
 */
public final class ManyToOneArrayQueue<E> {
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final VarHandle TAIL;
    private static final VarHandle HEAD;
    private static final VarHandle REJECTED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            TAIL = lookup.findVarHandle(ManyToOneArrayQueue.class, "tail", long.class);
            HEAD = lookup.findVarHandle(ManyToOneArrayQueue.class, "head", long.class);
            REJECTED = lookup.findVarHandle(ManyToOneArrayQueue.class, "rejected", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object[] slots;
    private final int capacity;
    private final int mask;
    /** The next position a producer claims. */
    private volatile long tail;
    /** The producers' last sight of {@link #head}: a lower bound, so that most offers skip reading the consumer's line. */
    private volatile long headCache;
    /** The next position the consumer reads; written by the consumer alone. */
    private volatile long head;
    private volatile long rejected;

    /**
     * @param capacity how many elements it holds at most: a power of two, at least 2
     */
    public ManyToOneArrayQueue(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two of at least 2, got " + capacity);
        }
        this.slots = new Object[capacity];
        this.capacity = capacity;
        this.mask = capacity - 1;
    }

    /**
     * Appends {@code element}, or returns false, counting it, when the queue is full.
     * Any thread.
     */
    public boolean offer(E element) {
        if (element == null) {
            throw new NullPointerException("a queue element must not be null");
        }
        long limit = headCache + capacity;
        long claimed;
        do {
            claimed = tail;
            if (claimed >= limit) {
                long h = head;
                limit = h + capacity;
                if (claimed >= limit) {
                    REJECTED.getAndAdd(this, 1L);
                    return false;
                }
                headCache = h;
            }
        } while (!TAIL.compareAndSet(this, claimed, claimed + 1));
        SLOTS.setRelease(slots, (int) claimed & mask, element);
        return true;
    }

    /** Takes the oldest published element, or returns {@code null}. The consumer's thread only. */
    @SuppressWarnings("unchecked")
    public E poll() {
        long h = (long) HEAD.getOpaque(this);
        int index = (int) h & mask;
        Object element = SLOTS.getAcquire(slots, index);
        if (element == null) {
            return null;
        }
        // The slot is cleared before the head moves past it: a producer that sees the new
        // head (and may then write this slot again) sees the slot empty first.
        SLOTS.setOpaque(slots, index, null);
        HEAD.setRelease(this, h + 1);
        return (E) element;
    }

    /**
     * True when no position is claimed beyond the head. A claimed slot whose
     * element is not yet published counts as not empty. Any thread.
     */
    public boolean isEmpty() {
        return head == tail;
    }

    /** Elements claimed and not yet polled, between 0 and the capacity. Any thread. */
    public int size() {
        long h = head;
        long t = tail;
        return (int) Math.max(0, Math.min(capacity, t - h));
    }

    public int capacity() {
        return capacity;
    }

    /** Offers refused because the queue was full, since it was made. Any thread. */
    public long rejected() {
        return rejected;
    }
}
