package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.cli.Sluice;
import dev.sluice.config.ConfigParser;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stick-table server persistence against HAProxy 2.6, end to end: one
 * configuration runs in a real {@code haproxy} and in Sluice, the same
 * requests, from the same client addresses (127.0.0.1 to 127.0.0.3, all
 * loopback), go through each to the same three origins, and for every request
 * the test compares the status, the {@code Set-Cookie} fields, which origin
 * served it, and the log line's {@code %b/%s %tsc}. The sections cover
 * {@code stick on src}; string keys from a header, a cookie and a query
 * parameter, with the rule order and the one store per table per request;
 * a persistence cookie, which takes precedence; a table two backends share
 * whose servers are in another order (an entry names its server by name
 * first); a server DOWN by its checks (the request is balanced); a server
 * that refuses connections, under {@code option redispatch}; an entry
 * that expires; and mode tcp. Both run one thread, so that their round robins
 * take the same turns.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StickPersistenceEndToEndTest {
    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<String> logged = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private static final int SECTIONS = 6;
    /** The log-format's line: {@code %b/%s %tsc}. */
    private static final String ACCESS_LINE = "\\S+/\\S+ \\S{4}";

    private static String config(int logPort, int[] ports, int o1, int o2, int o3, int dead) {
        String servers = "    server s1 127.0.0.1:" + o1 + "\n    server s2 127.0.0.1:" + o2
                + "\n    server s3 127.0.0.1:" + o3 + "\n";
        return AccessLogs.prologue(logPort) + """
                listen src
                    bind 127.0.0.1:%2$d
                    stick-table type ip size 1k expire 30m
                    stick on src
                %8$slisten keys
                    bind 127.0.0.1:%3$d
                    stick-table type string len 16 size 1k expire 30m
                    stick match req.hdr(x-user)
                    stick store-request req.hdr(x-user)
                    stick on req.cook(sid)
                    stick on url_param(uid)
                %8$slisten cookie
                    bind 127.0.0.1:%4$d
                    cookie SRV insert indirect nocache
                    stick-table type ip size 1k expire 30m
                    stick on src
                    server s1 127.0.0.1:%9$d cookie c1
                    server s2 127.0.0.1:%10$d cookie c2
                    server s3 127.0.0.1:%11$d cookie c3
                frontend shared
                    bind 127.0.0.1:%5$d
                    use_backend learn if { path_beg /learn }
                    use_backend down if { path_beg /down }
                    use_backend redispatch if { path_beg /redispatch }
                    default_backend swapped
                backend learn
                    stick-table type ip size 1k expire 30m
                    stick store-request src
                %8$sbackend swapped
                    stick match src table learn
                    server s3 127.0.0.1:%11$d
                    server s1 127.0.0.1:%9$d
                    server s2 127.0.0.1:%10$d
                backend down
                    stick match src table learn
                    server s3 127.0.0.1:%12$d check inter 100 fall 1
                    server s1 127.0.0.1:%9$d
                    server s2 127.0.0.1:%10$d
                backend redispatch
                    option redispatch
                    retries 1
                    stick match src table learn
                    stick-table type ip size 1k expire 30m
                    stick store-request src
                    server s3 127.0.0.1:%12$d
                    server s1 127.0.0.1:%9$d
                    server s2 127.0.0.1:%10$d
                listen expiring
                    bind 127.0.0.1:%6$d
                    stick-table type ip size 1k expire 1s
                    stick on src
                %8$slisten tcp
                    mode tcp
                    log-format "%%b/%%s ----"
                    bind 127.0.0.1:%7$d
                    stick-table type ip size 1k expire 30m
                    stick on src
                %8$s""".formatted(logPort, ports[0], ports[1], ports[2], ports[3], ports[4], ports[5], servers,
                o1, o2, o3, dead);
    }

    /** One request: the section it goes to, the client's last address byte, its target and extra field lines. */
    private record Step(int section, int client, String target, String fields) {
    }

    private static final Step PAUSE = new Step(-1, 0, null, null);

    private static final List<Step> STEPS = List.of(
            // stick on src: each client stays where its first request went.
            new Step(0, 1, "/", ""), new Step(0, 2, "/", ""), new Step(0, 1, "/", ""), new Step(0, 3, "/", ""),
            new Step(0, 2, "/", ""), new Step(0, 1, "/", ""),
            // String keys; a stick on whose table already stores for the request is skipped whole.
            new Step(1, 1, "/", "X-User: ann\r\n"), new Step(1, 1, "/", "Cookie: sid=k1\r\n"),
            new Step(1, 1, "/", "X-User: ann\r\nCookie: sid=k1\r\n"), new Step(1, 2, "/", "Cookie: a=1; sid=k1\r\n"),
            new Step(1, 1, "/p?uid=7", ""), new Step(1, 3, "/p?x=1&uid=7", ""),
            new Step(1, 1, "/p?uid=7", "X-User: bob\r\n"), new Step(1, 2, "/p?uid=7", ""),
            new Step(1, 2, "/", "X-User: bob\r\n"), new Step(1, 2, "/", "X-User: zed, ann\r\n"),
            // The cookie first; the stick rules store whatever served.
            new Step(2, 1, "/", ""), new Step(2, 1, "/", "Cookie: SRV=c2\r\n"), new Step(2, 1, "/", ""),
            new Step(2, 1, "/", "Cookie: SRV=c3\r\n"), new Step(2, 1, "/", ""), new Step(2, 2, "/", "Cookie: SRV=zz\r\n"),
            new Step(2, 2, "/", ""),
            // A table learnt in one backend, matched in two others.
            new Step(3, 1, "/learn", ""), new Step(3, 1, "/x", ""), new Step(3, 2, "/learn", ""),
            new Step(3, 2, "/x", ""), new Step(3, 3, "/learn", ""), new Step(3, 3, "/down", ""),
            new Step(3, 3, "/x", ""), new Step(3, 1, "/down", ""), new Step(3, 3, "/down", ""),
            // The entry names s3, which is UP but refuses connections here: the retry redispatches.
            new Step(3, 3, "/redispatch", ""), new Step(3, 1, "/redispatch", ""), new Step(3, 3, "/redispatch", ""),
            // Expiry: one second after its last use an entry is gone.
            new Step(4, 1, "/", ""), new Step(4, 1, "/", ""), new Step(4, 2, "/", ""), PAUSE,
            new Step(4, 1, "/", ""), new Step(4, 1, "/", ""), new Step(4, 2, "/", ""),
            // Mode tcp: stored once connected.
            new Step(5, 1, "/", ""), new Step(5, 2, "/", ""), new Step(5, 1, "/", ""), new Step(5, 3, "/", ""),
            new Step(5, 2, "/", ""));

    @Test
    void sluiceSendsEachRequestToTheServerHaproxyChooses() throws Exception {
        HttpTestOrigin[] origins = {opened(new HttpTestOrigin()), opened(new HttpTestOrigin()),
            opened(new HttpTestOrigin())};
        int dead = opened(FreePorts.dead()).getLocalPort();
        AccessLogs haproxyLogs = opened(new AccessLogs(ACCESS_LINE, logged));
        AccessLogs sluiceLogs = opened(new AccessLogs(ACCESS_LINE, logged));
        int[] h = new int[SECTIONS];
        for (int i = 0; i < h.length; i++) {
            h[i] = FreePorts.next();
        }
        Haproxy haproxy = new Haproxy(dir.resolve("haproxy"), config(haproxyLogs.port(), h,
                origins[0].port(), origins[1].port(), origins[2].port(), dead), h[0]);
        open.add(haproxy);
        Sluice sluice = Sluice.start(ConfigParser.parse("stick.cfg", config(sluiceLogs.port(),
                new int[SECTIONS], origins[0].port(), origins[1].port(), origins[2].port(), dead)));
        open.add(sluice);
        int[] s = new int[SECTIONS];
        for (int i = 0; i < s.length; i++) {
            s[i] = sluice.boundAddresses().get(i).getPort();
        }
        // Both see the dead server DOWN before its requests are sent.
        Thread.sleep(1500);
        haproxyLogs.drain();
        sluiceLogs.drain();

        List<String> servedBySluice = new ArrayList<>();
        int n = 0;
        for (Step step : STEPS) {
            if (step == PAUSE) {
                Thread.sleep(2200);
                continue;
            }
            String request = "GET " + step.target() + " HTTP/1.1\r\nHost: t\r\n" + step.fields()
                    + "Connection: close\r\n\r\n";
            String viaHaproxy = exchange(h[step.section()], step.client(), request, origins);
            String hLog = haproxyLogs.next();
            String viaSluice = exchange(s[step.section()], step.client(), request, origins);
            String sLog = sluiceLogs.next();
            String what = "request " + n + " to section " + step.section() + " from 127.0.0." + step.client() + ":\n"
                    + request;
            assertEquals(viaHaproxy, viaSluice, what);
            assertEquals(hLog, sLog, what);
            servedBySluice.add(viaSluice.substring(viaSluice.lastIndexOf('\n', viaSluice.length() - 2) + 1).strip());
            n++;
        }
        assertEquals(STEPS.size() - 1, n);
        // The comparison means something only if persistence happened: plain round robin would go s1 s2 s3 s1 s2 s3.
        assertEquals(List.of("s1", "s2", "s1", "s3", "s2", "s1"), servedBySluice.subList(0, 6), logged.toString());
        // The entry learnt in 'learn' names s1, which is second in 'swapped': found by its name.
        assertEquals("swapped/s1 ----", logged.get(2 * 24 + 1), logged.toString());
        assertTrue(String.join("\n", logged).contains("cookie/s2 --VN"), logged.toString());
        // The entry naming the server that refuses connections: served all the same, by another server.
        assertTrue(List.of("s1", "s2").contains(servedBySluice.get(32)), servedBySluice.toString());
        assertEquals("s1", servedBySluice.get(33), servedBySluice.toString());
        assertTrue(List.of("s1", "s2").contains(servedBySluice.get(34)), servedBySluice.toString());
    }

    /** Sends one request from 127.0.0.{@code client}; the status line, Set-Cookie fields and the origin that served. */
    private String exchange(int port, int client, String request, HttpTestOrigin[] origins) throws IOException {
        int[] before = new int[origins.length];
        for (int i = 0; i < origins.length; i++) {
            before[i] = origins[i].requestCount();
        }
        String response;
        try (Socket c = new Socket()) {
            c.bind(new InetSocketAddress("127.0.0." + client, 0));
            c.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            c.setSoTimeout(10_000);
            c.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            response = AccessLogs.readAll(c.getInputStream());
        }
        int eol = response.indexOf("\r\n");
        StringBuilder d = new StringBuilder(eol < 0 ? "(no response)" : response.substring(0, eol)).append('\n');
        int end = response.indexOf("\r\n\r\n");
        for (String line : (end < 0 ? "" : response.substring(0, end)).split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("set-cookie:")) {
                d.append("set-cookie:").append(line.substring(line.indexOf(':') + 1).strip()).append('\n');
            }
        }
        String served = "none";
        for (int i = 0; i < origins.length; i++) {
            if (origins[i].requestCount() > before[i]) {
                served = "s" + (i + 1);
            }
        }
        return d.append(served).append('\n').toString();
    }

    /** {@code thing}, closed after the test. */
    private <T extends AutoCloseable> T opened(T thing) {
        open.add(thing);
        return thing;
    }
}
