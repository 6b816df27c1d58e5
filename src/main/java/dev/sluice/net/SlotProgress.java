package dev.sluice.net;

/**
 * What a session tells a connection that takes buffers of its own (a {@link
 * TlsConnection}'s records): whether moving bytes in each direction now frees
 * a server slot, the session holding one or answering by itself. The
 * connection takes its buffers in the class that follows, as the session takes
 * its own (docs/design.md, "Why it cannot deadlock"). Asked on every
 * allocation, so it answers from the session's state at that moment.
 *
 * <p>Not thread-safe: asked on the loop that owns the session.
 */
public interface SlotProgress {
    /** Whether bytes read from this connection now move a session that frees a slot. */
    boolean readingFreesSlot();

    /** Whether bytes written to this connection now move a session that frees a slot. */
    boolean writingFreesSlot();

    /**
     * A server connection in an exchange: its session holds the slot (or
     * needs none), and every byte either way is the exchange's progress.
     */
    SlotProgress SERVER = new Fixed(true, true);

    /** A server connection between exchanges (kept, parked): no byte of it moves a session. */
    SlotProgress IDLE = new Fixed(false, false);

    /** Before a session says otherwise: reading is a request not yet served, writing is an answer. */
    SlotProgress DEFAULT = new Fixed(false, true);

    /** Answers that do not depend on a session's state. */
    record Fixed(boolean readingFreesSlot, boolean writingFreesSlot) implements SlotProgress {
    }
}
