package dev.sluice.buffer;

/**
 * Why a buffer is wanted. The class decides two things: how many buffers an
 * allocation of it must leave free (its {@linkplain #margin(int) margin}), and
 * the order in which waiters are served when buffers come back (declaration
 * order: the first constant is served first).
 *
 * <p>The rule that assigns a class (DESIGN.md, "Why it cannot deadlock"):
 * <ul>
 * <li>{@link #NORMAL}: a session that does not hold a server slot (bytes read
 *     before it is served). Leaves {@code reserve} buffers free.</li>
 * <li>{@link #URGENT}: a session whose progress frees a slot (it holds one, or
 *     it answers the client itself) and that holds no buffer in its other
 *     direction. Leaves one buffer free.</li>
 * <li>{@link #CRITICAL}: the same, but it already holds its other direction's
 *     buffer: this one completes the pair it needs to move both ways. May take
 *     the last buffer.</li>
 * </ul>
 * Why three and not two: a session relaying both ways at once (a server that
 * answers while it reads, or an upload answered early) needs two buffers. If
 * every slot holder could take the last buffer for its first one, slot holders
 * could each end up holding one buffer and waiting for a second that nobody
 * frees. Because only a pair-completing allocation may take the last buffer, the
 * pool runs dry only when its last buffer went to a session that now holds both
 * of its buffers and so can finish; and {@code reserve >= 2} leaves a slot
 * holder room for its first buffer whatever the queued sessions hold.
 */
public enum Criticality {
    /** Completes the pair of a session that frees a slot by moving: it holds its other direction's buffer. May take the last buffer. */
    CRITICAL,
    /** The first buffer of a session that frees a slot by moving (a response, a request body after the slot, a reply). Leaves one free. */
    URGENT,
    /** A request read before its session holds a server slot. Never leaves fewer than {@code reserve} buffers free. */
    NORMAL;

    private static final Criticality[] VALUES = values();

    /**
     * How many buffers must stay free after an allocation of this class succeeds.
     * With {@code reserve == 0} (a test-only pool) every class may take the last buffer.
     */
    public int margin(int reserve) {
        return switch (this) {
            case CRITICAL -> 0;
            case URGENT -> Math.min(1, reserve);
            case NORMAL -> reserve;
        };
    }

    static Criticality of(int ordinal) {
        return VALUES[ordinal];
    }

    static int count() {
        return VALUES.length;
    }
}
