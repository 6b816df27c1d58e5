package dev.sluice.session;

import dev.sluice.buffer.Criticality;
import dev.sluice.net.SlotProgress;

/**
 * What a TLS client connection asks its session before it takes a record
 * buffer: whether moving bytes each way frees a slot now, read from the
 * session's own classes (docs/design.md, "Why it cannot deadlock", TLS).
 * Made once per TLS session.
 *
 * <p>Not thread-safe: asked on the session's loop.
 */
final class ClientSlotProgress implements SlotProgress {
    private final ChannelOwner session;

    ClientSlotProgress(ChannelOwner session) {
        this.session = session;
    }

    @Override
    public boolean readingFreesSlot() {
        return session.criticality(Channel.Direction.REQUEST) != Criticality.NORMAL;
    }

    @Override
    public boolean writingFreesSlot() {
        return session.criticality(Channel.Direction.RESPONSE) != Criticality.NORMAL;
    }
}
