package dev.sluice.session;

/**
 * A service Sluice answers itself, chosen by the request policy in place of a
 * backend: the Prometheus exporter, the stats page. HAProxy calls these
 * applets; so does Sluice.
 *
 * <p>An applet runs in its client's HTTP session, on the session's loop. Its
 * answer is written in parts, each into one buffer of the loop's
 * {@link AppletArena} and sent before the next part is made, so that a page of
 * any size needs one buffer at a time, and none from the client pool.
 *
 * <p>Implementations are shared by every loop: {@link #open} must be
 * thread-safe; the stream it returns belongs to one session.
 */
public interface Applet {
    /** Starts one answer to {@code request}, on the request's loop. */
    AppletStream open(AppletRequest request);
}
