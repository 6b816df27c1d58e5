package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.backend.BalanceAlgorithm;
import dev.sluice.backend.BalanceKey;
import dev.sluice.backend.BalanceSpec;
import dev.sluice.backend.Backend;
import dev.sluice.backend.HashFunction;
import dev.sluice.backend.HashType;
import dev.sluice.backend.RetryPolicy;
import dev.sluice.backend.Server;
import dev.sluice.backend.ServerRole;
import dev.sluice.backend.ServerState;
import dev.sluice.backend.ServerStateListener;
import dev.sluice.backend.SlotRefusal;
import dev.sluice.backend.SlotWaiter;
import dev.sluice.loop.Clock;
import dev.sluice.loop.Loop;
import dev.sluice.loop.LoopCore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HAProxy 2.6 and Sluice choose the same server for the same key. One
 * HAProxy runs every case, each a backend with its {@code balance},
 * {@code hash-type}, weights and states, behind a frontend that reports the
 * server it chose ({@code srv_name}); Sluice's backend built from the same
 * parameters chooses for the same keys (client addresses bound on 127/8,
 * URIs, header values, URL parameters). Hashing must agree on every key.
 */
class HashAgreementEndToEndTest {
    private static final int KEYS = 300;

    @TempDir
    Path dir;

    /** How the key reaches HAProxy. */
    enum Key { SOURCE, URI, HEADER, HOST, PARAM }

    record Srv(String name, int weight, boolean backup, boolean disabled) {
        static Srv of(String name, int weight) {
            return new Srv(name, weight, false, false);
        }
    }

    /**
     * @param balance the {@code balance} line's arguments
     * @param hashType the {@code hash-type} line's arguments, or empty
     * @param spec the same choice, as Sluice's backend takes it
     */
    record Case(String name, String balance, String hashType, List<Srv> servers, Key key, BalanceSpec spec) {
    }

    private static final List<Srv> WEIGHTED = List.of(Srv.of("s1", 1), Srv.of("s2", 3), Srv.of("s3", 2), Srv.of("s4", 5),
            Srv.of("s5", 1));
    private static final List<Srv> ONE_DISABLED = List.of(Srv.of("s1", 1), Srv.of("s2", 3),
            new Srv("s3", 2, false, true), Srv.of("s4", 5), Srv.of("s5", 1));
    /** Every active server disabled: the backups serve. */
    private static final List<Srv> BACKUPS = List.of(new Srv("s1", 1, false, true), new Srv("b1", 2, true, false),
            new Srv("b2", 3, true, false), new Srv("b3", 1, true, false));
    private static final List<Srv> EQUAL = List.of(Srv.of("a", 10), Srv.of("b", 10), Srv.of("c", 10), Srv.of("d", 10));

    static List<Case> cases() {
        BalanceSpec src = BalanceSpec.of(BalanceAlgorithm.SOURCE);
        BalanceSpec uri = BalanceSpec.of(BalanceAlgorithm.URI);
        BalanceSpec hdr = BalanceSpec.of(BalanceAlgorithm.HDR, "x-user");
        BalanceSpec prm = BalanceSpec.of(BalanceAlgorithm.URL_PARAM, "user");
        List<Case> c = new ArrayList<>();
        c.add(new Case("source map-based", "source", "", WEIGHTED, Key.SOURCE, src));
        c.add(new Case("source consistent", "source", "consistent", WEIGHTED, Key.SOURCE, src.withHashType(HashType.CONSISTENT)));
        c.add(new Case("source consistent, one server disabled", "source", "consistent", ONE_DISABLED, Key.SOURCE,
                src.withHashType(HashType.CONSISTENT)));
        c.add(new Case("source map-based avalanche", "source", "map-based sdbm avalanche", WEIGHTED, Key.SOURCE,
                src.withHash(HashType.MAP_BASED, HashFunction.SDBM, true)));
        c.add(new Case("uri map-based", "uri", "", WEIGHTED, Key.URI, uri));
        c.add(new Case("uri consistent", "uri", "consistent", WEIGHTED, Key.URI, uri.withHashType(HashType.CONSISTENT)));
        c.add(new Case("uri consistent, one server disabled", "uri", "consistent", ONE_DISABLED, Key.URI,
                uri.withHashType(HashType.CONSISTENT)));
        c.add(new Case("uri whole", "uri whole", "", EQUAL, Key.URI,
                uri.withUri(new BalanceSpec.UriKey(true, false, 0, 0))));
        c.add(new Case("uri len 8", "uri len 8", "consistent", EQUAL, Key.URI,
                uri.withUri(new BalanceSpec.UriKey(false, false, 8, 0)).withHashType(HashType.CONSISTENT)));
        c.add(new Case("uri depth 2", "uri depth 2", "", WEIGHTED, Key.URI,
                uri.withUri(new BalanceSpec.UriKey(false, false, 0, 2))));
        c.add(new Case("uri map-based djb2", "uri", "map-based djb2", WEIGHTED, Key.URI,
                uri.withHash(HashType.MAP_BASED, HashFunction.DJB2, false)));
        c.add(new Case("uri consistent wt6", "uri", "consistent wt6", WEIGHTED, Key.URI,
                uri.withHash(HashType.CONSISTENT, HashFunction.WT6, false)));
        c.add(new Case("uri map-based crc32 avalanche", "uri", "map-based crc32 avalanche", WEIGHTED, Key.URI,
                uri.withHash(HashType.MAP_BASED, HashFunction.CRC32, true)));
        c.add(new Case("hdr map-based", "hdr(X-User)", "", WEIGHTED, Key.HEADER, hdr));
        c.add(new Case("hdr consistent", "hdr(X-User)", "consistent", WEIGHTED, Key.HEADER, hdr.withHashType(HashType.CONSISTENT)));
        c.add(new Case("hdr(host) use_domain_only", "hdr(host) use_domain_only", "", EQUAL, Key.HOST,
                BalanceSpec.of(BalanceAlgorithm.HDR, "host").withDomainOnly()));
        c.add(new Case("url_param map-based", "url_param user", "", WEIGHTED, Key.PARAM, prm));
        c.add(new Case("url_param consistent", "url_param user", "consistent", WEIGHTED, Key.PARAM,
                prm.withHashType(HashType.CONSISTENT)));
        c.add(new Case("uri map-based, backups only", "uri", "", BACKUPS, Key.URI, uri));
        c.add(new Case("uri consistent, backups only", "uri", "consistent", BACKUPS, Key.URI,
                uri.withHashType(HashType.CONSISTENT)));
        c.add(new Case("uri map-based, all backups", "uri\n    option allbackups", "", BACKUPS, Key.URI,
                uri.withBackups(BalanceSpec.BackupUse.ALL)));
        c.add(new Case("uri consistent, all backups", "uri\n    option allbackups", "consistent", BACKUPS, Key.URI,
                uri.withHashType(HashType.CONSISTENT).withBackups(BalanceSpec.BackupUse.ALL)));
        return c;
    }

    private static String key(Key kind, int i, SplittableRandom r) {
        return switch (kind) {
            case SOURCE -> "127." + (1 + r.nextInt(254)) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
            case URI -> "/d" + r.nextInt(50) + "/e" + r.nextInt(1000) + "/f" + i + ".html?q=" + r.nextInt(100);
            case HEADER -> "user-" + r.nextInt(1_000_000);
            case HOST -> "w" + r.nextInt(10) + ".site" + r.nextInt(100_000) + ".example";
            case PARAM -> "/p?a=" + r.nextInt(10) + "&user=" + r.nextInt(1_000_000) + "&b=2";
        };
    }

    @Test
    void haproxyAndSluiceChooseTheSameServerForEveryHashedKey() throws Exception {
        List<Case> cases = cases();
        int base = Nginx.freePort();
        int origin = Nginx.freePort();
        StringBuilder cfg = new StringBuilder("""
                global
                    maxconn 2000
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    timeout server 5s
                frontend origin
                    bind 127.0.0.1:%d
                    http-request return status 200 content-type text/plain string ok
                """.formatted(origin));
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            int port = i == 0 ? base : Nginx.freePort();
            ports.add(port);
            cfg.append("frontend f").append(i).append("\n    bind 127.0.0.1:").append(port)
                    .append("\n    default_backend b").append(i)
                    .append("\n    http-response set-header X-Server %[srv_name]\n");
            cfg.append(backendSection("b" + i, c, origin));
        }
        Map<String, String> disagreements = new LinkedHashMap<>();
        StringBuilder table = new StringBuilder();
        try (Haproxy haproxy = new Haproxy(dir, cfg.toString(), ports.get(ports.size() - 1))) {
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                Backend sluice = sluiceBackend(c);
                SplittableRandom r = new SplittableRandom(1234 + i);
                int agree = 0;
                String first = null;
                for (int k = 0; k < KEYS; k++) {
                    String key = key(c.key(), k, r);
                    String theirs = ask(ports.get(i), c.key(), key);
                    String ours = choose(sluice, c.key(), key);
                    if (theirs.equals(ours)) {
                        agree++;
                    } else if (first == null) {
                        first = key + ": haproxy " + theirs + ", sluice " + ours;
                    }
                }
                table.append(String.format("%-42s %4d/%d agree%n", c.name(), agree, KEYS));
                if (agree != KEYS) {
                    disagreements.put(c.name(), first);
                }
            }
        }
        System.out.println("HAProxy 2.6 vs Sluice, server chosen per key:\n" + table);
        assertEquals(Map.of(), disagreements, table.toString());
    }

    /** The backend section both proxies read. */
    static String backendSection(String name, Case c, int originPort) {
        StringBuilder b = new StringBuilder("backend ").append(name).append("\n    balance ").append(c.balance()).append('\n');
        if (!c.hashType().isEmpty()) {
            b.append("    hash-type ").append(c.hashType()).append('\n');
        }
        for (Srv s : c.servers()) {
            b.append("    server ").append(s.name()).append(" 127.0.0.1:").append(originPort).append(" weight ")
                    .append(s.weight()).append(s.backup() ? " backup" : "").append(s.disabled() ? " disabled" : "")
                    .append('\n');
        }
        return b.toString();
    }

    static Backend sluiceBackend(Case c) {
        List<Server> servers = new ArrayList<>();
        for (Srv s : c.servers()) {
            servers.add(new Server(s.name(), InetSocketAddress.createUnresolved(s.name(), 80), 0, 0, s.weight(),
                    s.backup() ? ServerRole.BACKUP : ServerRole.ACTIVE, s.disabled() ? ServerState.MAINT : ServerState.UP));
        }
        return new Backend(c.name(), servers, c.spec(), RetryPolicy.DEFAULT, ServerStateListener.NONE);
    }

    /** The server Sluice's backend chooses for the key. */
    static String choose(Backend b, Key kind, String key) throws Exception {
        byte[] bytes = key.getBytes(StandardCharsets.US_ASCII);
        BalanceKey k = new BalanceKey();
        if (kind == Key.SOURCE) {
            k.clientAddress(InetAddress.getByName(key).getAddress());
        } else {
            k.bytes(bytes, 0, bytes.length);
        }
        Waiter w = new Waiter();
        Server s = b.acquire(w, k, null);
        b.releaseSlot(s);
        return s.name();
    }

    /** Sends one request through HAProxy with the key and returns the server it named. */
    static String ask(int port, Key kind, String key) throws IOException {
        try (Socket s = new Socket()) {
            if (kind == Key.SOURCE) {
                s.bind(new InetSocketAddress(key, 0));
            }
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(5000);
            String target = kind == Key.URI || kind == Key.PARAM ? key : "/";
            String header = switch (kind) {
                case HEADER -> "X-User: " + key + "\r\nHost: h\r\n";
                case HOST -> "Host: " + key + "\r\n";
                default -> "Host: h\r\n";
            };
            s.getOutputStream().write(("GET " + target + " HTTP/1.1\r\n" + header + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String response = all.toString(StandardCharsets.US_ASCII);
            for (String line : response.split("\r\n")) {
                if (line.toLowerCase().startsWith("x-server:")) {
                    return line.substring(9).trim();
                }
            }
            throw new IOException("no x-server in " + response);
        }
    }

    /** A waiter on a loop that never needs to run: choosing with free slots grants at once. */
    static final class Waiter extends SlotWaiter {
        private static final Loop LOOP = new LoopCore() {
            @Override
            public int id() {
                return 0;
            }

            @Override
            public Clock clock() {
                return System::nanoTime;
            }

            @Override
            public dev.sluice.buffer.BufferPool pool() {
                throw new UnsupportedOperationException();
            }

            @Override
            public void execute(Runnable work) {
                throw new UnsupportedOperationException();
            }
        };

        @Override
        protected Loop loop() {
            return LOOP;
        }

        @Override
        protected void slotGranted(Server server) {
            throw new AssertionError("no queue here");
        }

        @Override
        protected void slotRefused(SlotRefusal why) {
            throw new AssertionError("no queue here");
        }
    }
}
