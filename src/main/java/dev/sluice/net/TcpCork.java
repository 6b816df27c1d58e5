package dev.sluice.net;

import java.nio.channels.SocketChannel;

/**
 * Linux's {@code TCP_CORK}: while it is set, the kernel sends no segment
 * shorter than the path's MSS; clearing it, or a shutdown or close, sends what
 * it held at once (and Linux holds nothing longer than 200 ms in any case).
 *
 * <p>Sluice corks a connection while it writes one message in several writes
 * back to back: a 20 KB response through a 16 KB buffer then leaves as one
 * segment, with the FIN when the connection ends after it, instead of two
 * segments and two wakeups of the client. HAProxy gets the same effect from
 * {@code MSG_MORE}, which the JDK cannot pass.
 *
 * <p>The JDK has no public option for it, so this goes through
 * {@link RawSocketOptions}. Without the access that needs, or off Linux,
 * {@link #available()} is false and corking does nothing: only the packet count
 * changes, never the bytes.
 */
public final class TcpCork {
    private TcpCork() {
    }

    /** Whether {@link #set} really corks. */
    public static boolean available() {
        return RawSocketOptions.available();
    }

    /** Why corking is off ({@code null} when {@link #available()}). */
    public static String unavailableReason() {
        return RawSocketOptions.unavailableReason();
    }

    /** Sets or clears TCP_CORK on a connected socket; does nothing when not {@link #available()}. */
    public static void set(SocketChannel channel, boolean on) throws java.io.IOException {
        RawSocketOptions.set(channel, RawSocketOptions.IPPROTO_TCP, RawSocketOptions.TCP_CORK, on ? 1 : 0);
    }
}
