package dev.sluice.buffer;

/**
 * Why a buffer is wanted. The class decides two things: whether the pool's
 * reserve may be used for the allocation, and in which order waiters are served
 * when buffers come back (declaration order: the first constant is served first).
 *
 * <p>The rule that assigns a class (DESIGN.md, "Why it cannot deadlock"): a
 * session allocates {@link #NORMAL} only while it does not hold a server slot;
 * everything that moves an exchange toward freeing a slot is {@link #CRITICAL}.
 * New classes may be added between the two; {@link #usesReserve()} says which
 * of them may dip into the reserve.
 */
public enum Criticality {
    /** A response, an error message, a request body flowing to a server that already gave a slot. May take the last buffer. */
    CRITICAL(true),
    /** A request read before its session holds a server slot. Never leaves fewer than {@code reserve} buffers free. */
    NORMAL(false);

    private static final Criticality[] VALUES = values();

    private final boolean usesReserve;

    Criticality(boolean usesReserve) {
        this.usesReserve = usesReserve;
    }

    /** True when an allocation of this class may take buffers out of the reserve. */
    public boolean usesReserve() {
        return usesReserve;
    }

    /** How many buffers must stay free after an allocation of this class succeeds. */
    public int margin(int reserve) {
        return usesReserve ? 0 : reserve;
    }

    static Criticality of(int ordinal) {
        return VALUES[ordinal];
    }

    static int count() {
        return VALUES.length;
    }
}
