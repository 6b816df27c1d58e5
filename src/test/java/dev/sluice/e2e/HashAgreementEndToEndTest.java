package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.cli.Sluice;
import dev.sluice.config.Config;
import dev.sluice.config.ConfigParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
 * HAProxy 2.6 and Sluice, run from the same configuration, send each request
 * to the same server. Every case is a backend (its {@code balance},
 * {@code hash-type}, weights, {@code backup}, {@code disabled}) behind a
 * frontend of its own; both proxies read the very same {@code defaults},
 * {@code frontend} and {@code backend} text, only the frontends' ports
 * differ. Each server is an origin of its own that answers with its name, so
 * the response says where the request went. The keys: client addresses (the
 * client binds an address of 127/8), URIs, header values, URL parameters.
 */
class HashAgreementEndToEndTest {
    private static final int KEYS = 200;
    /** The most servers a case has: one origin each. */
    private static final int ORIGINS = 5;

    @TempDir
    Path dir;

    /** How the key reaches the proxy. */
    enum Key { SOURCE, URI, HEADER, HOST, PARAM }

    record Srv(String name, int weight, boolean backup, boolean disabled) {
        static Srv of(String name, int weight) {
            return new Srv(name, weight, false, false);
        }
    }

    /**
     * @param lines the backend's balancing lines ({@code balance}, {@code hash-type}, options)
     */
    record Case(String name, String lines, List<Srv> servers, Key key) {
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
        List<Case> c = new ArrayList<>();
        c.add(new Case("source map-based", "balance source", WEIGHTED, Key.SOURCE));
        c.add(new Case("source consistent", "balance source\nhash-type consistent", WEIGHTED, Key.SOURCE));
        c.add(new Case("source consistent, one server disabled", "balance source\nhash-type consistent", ONE_DISABLED,
                Key.SOURCE));
        c.add(new Case("source map-based avalanche", "balance source\nhash-type map-based sdbm avalanche", WEIGHTED,
                Key.SOURCE));
        c.add(new Case("uri map-based", "balance uri", WEIGHTED, Key.URI));
        c.add(new Case("uri consistent", "balance uri\nhash-type consistent", WEIGHTED, Key.URI));
        c.add(new Case("uri consistent, one server disabled", "balance uri\nhash-type consistent", ONE_DISABLED, Key.URI));
        c.add(new Case("uri whole", "balance uri whole", EQUAL, Key.URI));
        c.add(new Case("uri len 8, consistent", "balance uri len 8\nhash-type consistent", EQUAL, Key.URI));
        c.add(new Case("uri depth 2", "balance uri depth 2", WEIGHTED, Key.URI));
        c.add(new Case("uri map-based djb2", "balance uri\nhash-type map-based djb2", WEIGHTED, Key.URI));
        c.add(new Case("uri consistent wt6", "balance uri\nhash-type consistent wt6", WEIGHTED, Key.URI));
        c.add(new Case("uri map-based crc32 avalanche", "balance uri\nhash-type map-based crc32 avalanche", WEIGHTED,
                Key.URI));
        c.add(new Case("hdr map-based", "balance hdr(X-User)", WEIGHTED, Key.HEADER));
        c.add(new Case("hdr consistent", "balance hdr(X-User)\nhash-type consistent", WEIGHTED, Key.HEADER));
        c.add(new Case("hdr(host) use_domain_only", "balance hdr(host) use_domain_only", EQUAL, Key.HOST));
        c.add(new Case("url_param map-based", "balance url_param user", WEIGHTED, Key.PARAM));
        c.add(new Case("url_param consistent", "balance url_param user\nhash-type consistent", WEIGHTED, Key.PARAM));
        c.add(new Case("uri map-based, backups only", "balance uri", BACKUPS, Key.URI));
        c.add(new Case("uri consistent, backups only", "balance uri\nhash-type consistent", BACKUPS, Key.URI));
        c.add(new Case("uri map-based, all backups", "balance uri\noption allbackups", BACKUPS, Key.URI));
        c.add(new Case("uri consistent, all backups", "balance uri\nhash-type consistent\noption allbackups", BACKUPS,
                Key.URI));
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

    /** The sections both proxies read: defaults, then a frontend (on the port given) and a backend per case. */
    static String shared(List<Case> cases, List<Integer> frontendPorts, int[] originPorts) {
        StringBuilder cfg = new StringBuilder("""
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 10s
                    timeout server 10s
                """);
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            cfg.append("frontend f").append(i).append("\n    bind 127.0.0.1:").append(frontendPorts.get(i))
                    .append("\n    default_backend b").append(i).append('\n');
            cfg.append("backend b").append(i).append('\n');
            for (String line : c.lines().split("\n")) {
                cfg.append("    ").append(line).append('\n');
            }
            for (int s = 0; s < c.servers().size(); s++) {
                Srv srv = c.servers().get(s);
                cfg.append("    server ").append(srv.name()).append(" 127.0.0.1:").append(originPorts[s])
                        .append(" weight ").append(srv.weight()).append(srv.backup() ? " backup" : "")
                        .append(srv.disabled() ? " disabled" : "").append('\n');
            }
        }
        return cfg.toString();
    }

    @Test
    void haproxyAndSluiceSendEveryHashedKeyToTheSameServer() throws Exception {
        List<Case> cases = cases();
        int[] origins = new int[ORIGINS];
        StringBuilder originSections = new StringBuilder();
        for (int o = 0; o < ORIGINS; o++) {
            origins[o] = Nginx.freePort();
            originSections.append("frontend origin").append(o).append("\n    bind 127.0.0.1:").append(origins[o])
                    .append("\n    http-request return status 200 content-type text/plain string origin")
                    .append(o).append('\n');
        }
        List<Integer> haproxyPorts = new ArrayList<>();
        List<Integer> sluicePorts = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            haproxyPorts.add(Nginx.freePort());
            sluicePorts.add(Nginx.freePort());
        }
        String haproxyConfig = "global\n    maxconn 2000\n" + shared(cases, haproxyPorts, origins) + originSections;
        Config sluiceConfig = ConfigParser.parse("agreement.cfg", "global\n    maxconn 2000\n    nbthread 1\n"
                + shared(cases, sluicePorts, origins));
        Map<String, String> disagreements = new LinkedHashMap<>();
        StringBuilder table = new StringBuilder();
        try (Haproxy haproxy = new Haproxy(dir, haproxyConfig, origins[ORIGINS - 1]);
             Sluice sluice = Sluice.start(sluiceConfig)) {
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                SplittableRandom r = new SplittableRandom(1234 + i);
                int agree = 0;
                String first = null;
                for (int k = 0; k < KEYS; k++) {
                    String key = key(c.key(), k, r);
                    String theirs = serverName(c, ask(haproxyPorts.get(i), c.key(), key));
                    String ours = serverName(c, ask(sluicePorts.get(i), c.key(), key));
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

    /**
     * The algorithms that take no key, on sequential requests: {@code static-rr}
     * walks HAProxy's very map, so its sequence is HAProxy's; {@code first}
     * without {@code maxconn} always takes the first server; {@code roundrobin}
     * gives each server the same share over a cycle but in another order
     * (Sluice's smooth weighted round robin is not HAProxy's tree), and
     * {@code leastconn}'s rotation among equally loaded servers is not promised
     * to follow HAProxy's, so only their shares are asserted (on sequential
     * requests leastconn's order happens to be HAProxy's, 144 of 144 steps).
     */
    @Test
    void withoutAKeyStaticRrAndFirstFollowHaproxysSequenceAndRoundRobinItsShares() throws Exception {
        List<Case> cases = List.of(new Case("static-rr", "balance static-rr", WEIGHTED, Key.URI),
                new Case("first", "balance first", WEIGHTED, Key.URI),
                new Case("roundrobin", "balance roundrobin", WEIGHTED, Key.URI),
                new Case("leastconn", "balance leastconn", EQUAL, Key.URI));
        int[] origins = new int[ORIGINS];
        StringBuilder originSections = new StringBuilder();
        for (int o = 0; o < ORIGINS; o++) {
            origins[o] = Nginx.freePort();
            originSections.append("frontend origin").append(o).append("\n    bind 127.0.0.1:").append(origins[o])
                    .append("\n    http-request return status 200 content-type text/plain string origin")
                    .append(o).append('\n');
        }
        List<Integer> haproxyPorts = new ArrayList<>();
        List<Integer> sluicePorts = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            haproxyPorts.add(Nginx.freePort());
            sluicePorts.add(Nginx.freePort());
        }
        // One thread each, so that each proxy keeps one rotation.
        String haproxyConfig = "global\n    maxconn 2000\n    nbthread 1\n" + shared(cases, haproxyPorts, origins)
                + originSections;
        Config sluiceConfig = ConfigParser.parse("agreement.cfg", "global\n    maxconn 2000\n    nbthread 1\n"
                + shared(cases, sluicePorts, origins));
        StringBuilder table = new StringBuilder();
        Map<String, Integer> sameStep = new LinkedHashMap<>();
        Map<String, Boolean> sameShares = new LinkedHashMap<>();
        int requests = 12 * 12;
        try (Haproxy haproxy = new Haproxy(dir, haproxyConfig, origins[ORIGINS - 1]);
             Sluice sluice = Sluice.start(sluiceConfig)) {
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                Map<String, Integer> theirShares = new java.util.TreeMap<>();
                Map<String, Integer> ourShares = new java.util.TreeMap<>();
                int same = 0;
                for (int k = 0; k < requests; k++) {
                    String theirs = serverName(c, ask(haproxyPorts.get(i), Key.URI, "/r" + k));
                    String ours = serverName(c, ask(sluicePorts.get(i), Key.URI, "/r" + k));
                    same += theirs.equals(ours) ? 1 : 0;
                    theirShares.merge(theirs, 1, Integer::sum);
                    ourShares.merge(ours, 1, Integer::sum);
                }
                sameStep.put(c.name(), same);
                sameShares.put(c.name(), theirShares.equals(ourShares));
                table.append(String.format("%-12s same server at %3d of %d steps; shares haproxy %s, sluice %s%n",
                        c.name(), same, requests, theirShares, ourShares));
            }
        }
        System.out.println("HAProxy 2.6 vs Sluice, sequential requests without a key:\n" + table);
        assertEquals(requests, sameStep.get("static-rr"), table.toString());
        assertEquals(requests, sameStep.get("first"), table.toString());
        assertEquals(Boolean.TRUE, sameShares.get("roundrobin"), table.toString());
        assertEquals(Boolean.TRUE, sameShares.get("leastconn"), table.toString());
    }

    /** The server of the case behind the origin that answered. */
    private static String serverName(Case c, String body) {
        int origin = Integer.parseInt(body.trim().substring("origin".length()));
        return c.servers().get(origin).name();
    }

    /** Sends one request with the key and returns the response body. */
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
            // Another field first: the key's field must be found by its name.
            s.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nUser-Agent: agreement\r\n" + header
                    + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            s.getInputStream().transferTo(all);
            String response = all.toString(StandardCharsets.US_ASCII);
            int body = response.indexOf("\r\n\r\n");
            if (!response.startsWith("HTTP/1.1 200") || body < 0) {
                throw new IOException("port " + port + " answered " + response);
            }
            return response.substring(body + 4);
        }
    }
}
