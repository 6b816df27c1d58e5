package dev.sluice.net;

/**
 * How a {@link Listener}'s sockets are set up, from the options of a
 * {@code bind} line and of its frontend.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param ipv6Only on an IPv6 address, accept IPv6 clients only ({@code IPV6_V6ONLY}); otherwise an IPv6
 *     socket accepts IPv4 clients too, as the JDK opens it
 * @param deferAccept hand a connection over only once it has data, or after a second ({@code TCP_DEFER_ACCEPT})
 * @param fastOpen accept TCP Fast Open, with a queue as long as the backlog ({@code TCP_FASTOPEN})
 * @param keepAlive set {@code SO_KEEPALIVE} on every accepted connection
 */
public record ListenerOptions(boolean ipv6Only, boolean deferAccept, boolean fastOpen, boolean keepAlive) {
    /** The sockets as the JDK opens them. */
    public static final ListenerOptions DEFAULT = new ListenerOptions(false, false, false, false);
}
