package dev.sluice.backend;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds backends for the balancing and queue tests, and draws servers from them. */
final class Farms {
    private Farms() {
    }

    static Server server(String name, int weight) {
        return server(name, weight, 0, ServerRole.ACTIVE);
    }

    static Server server(String name, int weight, int maxconn, ServerRole role) {
        return new Server(name, InetSocketAddress.createUnresolved(name, 80), maxconn, 0, weight, role, ServerState.UP);
    }

    static Backend backend(BalanceSpec spec, Server... servers) {
        return backend(spec, RetryPolicy.DEFAULT, servers);
    }

    static Backend backend(BalanceSpec spec, RetryPolicy retry, Server... servers) {
        return new Backend("be", List.of(servers), spec, retry, ServerStateListener.NONE);
    }

    /** Weights 1..n-ish servers named s1, s2, ... */
    static Server[] weighted(int... weights) {
        Server[] s = new Server[weights.length];
        for (int i = 0; i < weights.length; i++) {
            s[i] = server("s" + (i + 1), weights[i]);
        }
        return s;
    }

    /** Takes a slot for {@code key} and gives it back at once; returns the server chosen. */
    static Server pick(Backend b, TestWaiter w, BalanceKey key) {
        try {
            Server s = b.acquire(w, key, null);
            if (s == null) {
                throw new AssertionError("queued, but every server has room");
            }
            b.releaseSlot(s);
            return s;
        } catch (Backend.SlotException e) {
            throw new AssertionError(e);
        }
    }

    static BalanceKey target(String uri) {
        byte[] b = uri.getBytes(StandardCharsets.US_ASCII);
        return new BalanceKey().bytes(b, 0, b.length);
    }

    static BalanceKey address(int a, int b, int c, int d) {
        return new BalanceKey().clientAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    }

    /** How many of {@code picks} went to each server, in server order. */
    static int[] counts(Backend b, List<Server> picks) {
        int[] n = new int[b.servers().size()];
        for (Server s : picks) {
            n[s.position()]++;
        }
        return n;
    }

    static List<Server> picks(Backend b, TestWaiter w, int times) {
        List<Server> out = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            out.add(pick(b, w, BalanceKey.NONE));
        }
        return out;
    }
}
