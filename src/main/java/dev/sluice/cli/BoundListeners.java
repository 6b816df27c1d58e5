package dev.sluice.cli;

import dev.sluice.loop.EventLoop;
import dev.sluice.loop.Loop;
import dev.sluice.net.Acceptor;
import dev.sluice.net.Connection;
import dev.sluice.net.Listener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The process's listening sockets, by address and options, each handing its
 * connections to the acceptor of the generation in force. A reload keeps the
 * sockets whose address is unchanged and only points them at the new
 * generation's acceptors, so no connection is refused while it runs; it opens
 * the new addresses and closes the removed ones.
 *
 * <p>Thread-safe: every method holds this object's monitor.
 */
final class BoundListeners {
    /** A listening address and the acceptor it hands connections to now: the current generation's. */
    private record Bound(Listener listener, AtomicReference<Acceptor> target) {
    }

    private final Map<Generation.ListenerKey, Bound> listeners = new LinkedHashMap<>();

    /** Opens the listeners of {@code g} that are not open yet; on a failure, closes those it opened and throws. */
    synchronized List<Generation.ListenerKey> open(Generation g, List<EventLoop> eventLoops) throws IOException {
        List<Generation.ListenerKey> opened = new ArrayList<>();
        try {
            for (Map.Entry<Generation.ListenerKey, Acceptor> e : g.acceptors.entrySet()) {
                if (listeners.containsKey(e.getKey())) {
                    continue;
                }
                AtomicReference<Acceptor> target = new AtomicReference<>(e.getValue());
                Listener listener = Listener.bind(e.getKey().address(), eventLoops, delegate(target),
                        e.getKey().options());
                listeners.put(e.getKey(), new Bound(listener, target));
                opened.add(e.getKey());
            }
        } catch (IOException | RuntimeException ex) {
            for (Generation.ListenerKey k : opened) {
                listeners.remove(k).listener().close();
            }
            throw ex;
        }
        return opened;
    }

    /**
     * Points every listener at {@code g}'s acceptor for its address; a listener
     * {@code g} no longer has closes (the connections it accepted drain with
     * the old generation).
     */
    synchronized void handTo(Generation g) {
        listeners.entrySet().removeIf(e -> {
            Acceptor a = g.acceptors.get(e.getKey());
            if (a == null) {
                e.getValue().listener().close();
                return true;
            }
            e.getValue().target().set(a);
            return false;
        });
    }

    /**
     * Closes every listener, and returns once each loop has run a select
     * after the close: only then has the selector let go of the socket, so
     * that the port refuses new connections when this returns.
     */
    void closeAll(List<EventLoop> loops) {
        synchronized (this) {
            for (Bound b : listeners.values()) {
                b.listener().close();
            }
        }
        // Each socket closes on its own loop, through the inbox: what is posted after has run after it.
        // A channel still registered with a selector keeps its descriptor until the loop's next select
        // deregisters its cancelled key. The inbox is drained in one go, so a second item may run in the same
        // pass as the close; the wait goes on until the loop says a select began after the close and ended.
        for (EventLoop loop : loops) {
            if (!loop.isRunning()) {
                continue;
            }
            long mark = loop.call(loop::pollMark);
            for (int tries = 0; tries < 100 && loop.isRunning(); tries++) {
                if (loop.call(() -> loop.polledSince(mark))) {
                    break;
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** The addresses the listeners are bound to (a port 0 in the file becomes the real one). */
    synchronized List<InetSocketAddress> addresses() {
        return listeners.values().stream().map(b -> b.listener().address()).toList();
    }

    /** An acceptor that hands every connection to whatever {@code target} holds when it arrives. */
    private static Acceptor delegate(AtomicReference<Acceptor> target) {
        return new Acceptor() {
            @Override
            public void accepted(Loop loop, Connection connection) {
                target.get().accepted(loop, connection);
            }

            @Override
            public boolean admitting() {
                return target.get().admitting();
            }
        };
    }
}
