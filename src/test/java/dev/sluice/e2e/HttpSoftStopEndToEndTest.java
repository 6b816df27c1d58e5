package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The soft stop, one connection at a time: a response in flight says
 * {@code Connection: close}, a request that reaches an idle keep-alive
 * connection soon after the stop is still answered, an idle connection closes
 * once the grace has passed, and new connections are refused.
 */
class HttpSoftStopEndToEndTest extends HttpEndToEnd {
    @Test
    void aResponseInFlightAtTheSoftStopSaysConnectionCloseAndTheConnectionEnds() throws Exception {
        start(cfg(origin()));
        HttpWire w = wire();
        w.send(get("/slow/300"));
        Thread.sleep(100);
        Thread stop = softStopInBackground();
        HttpWire.Response r = w.read();
        assertEquals(200, r.status());
        assertEquals(java.util.List.of("close"), HttpWire.fieldValues(r.head(), "connection"), r.head());
        assertTrue(w.closedByPeer());
        stop.join(10_000);
        assertEquals(0, sluice.openSessions());
    }

    @Test
    void aRequestThatReachesAnIdleConnectionSoonAfterTheSoftStopIsAnsweredWithConnectionClose() throws Exception {
        start(cfg(origin()));
        HttpWire w = wire();
        HttpWire.Response first = w.exchange(get("/a"));
        assertEquals(200, first.status());
        assertTrue(HttpWire.fieldValues(first.head(), "connection").isEmpty(), first.head());
        softStopInBackground();
        // Several sweeps pass over the idle connection before the request comes.
        Thread.sleep(200);
        HttpWire.Response second = w.exchange(get("/b"));
        assertEquals(200, second.status());
        assertEquals(java.util.List.of("close"), HttpWire.fieldValues(second.head(), "connection"), second.head());
        assertTrue(w.closedByPeer());
    }

    @Test
    void anIdleKeepAliveConnectionClosesOnceTheGraceHasPassedAndNotBefore() throws Exception {
        start(cfg(origin()));
        HttpWire w = wire();
        assertEquals(200, w.exchange(get("/a")).status());
        long stopped = System.nanoTime();
        softStopInBackground();
        assertTrue(w.silentFor(500), "closed well within the grace");
        w.socket().setSoTimeout(5_000);
        assertTrue(w.closedByPeer(), "the idle connection is still open after the grace");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
        assertTrue(millis >= 900 && millis < 3_000, "closed after " + millis + " ms");
        assertEquals(1, counter("sessions_ended_done"));
    }

    @Test
    void afterTheSoftStopNewConnectionsAreRefused() throws Exception {
        start(cfg(origin()));
        int port = port();
        sluice.softStop();
        assertFalse(connects(port), "a listener is still open after the soft stop");
    }

    /** The soft stop, then the wait for sessions, as the signal handling does it, on a thread of its own. */
    private Thread softStopInBackground() {
        Thread t = new Thread(() -> {
            sluice.softStop();
            sluice.drain(System.nanoTime() + TimeUnit.SECONDS.toNanos(10), () -> false);
        }, "soft-stop");
        t.start();
        return t;
    }

    private static boolean connects(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
