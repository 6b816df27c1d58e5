package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.cli.Sluice;
import dev.sluice.config.ConfigParser;
import java.io.IOException;
import java.net.InetAddress;
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
 * Cookie persistence against HAProxy 2.6, end to end: one configuration runs in
 * a real {@code haproxy} and in Sluice, the same requests go through each to
 * the same two origins, and for every request the test compares what the
 * client got (status and every {@code Set-Cookie} and {@code Cache-Control}
 * field, names without case), which origin served it and the {@code Cookie}
 * fields that origin saw, and the log line's {@code %b/%s %tsc} (the last two
 * characters of the termination state say what became of the cookie). One
 * difference is left out: HAProxy also removes the blanks around the {@code =}
 * of the cookie it reads ({@code SRV = a} reaches the server as {@code SRV=a}),
 * which Sluice forwards as the client wrote it. Both run
 * one thread, so that their round robins take the same turns.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CookiePersistenceEndToEndTest {
    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private static final String[] SECTIONS = {
        // insert: the client's cookie is kept; nocache marks a cacheable response private.
        "cookie SRV insert nocache",
        // insert indirect: the server never sees Sluice's cookie; the attributes go into the inserted one.
        "cookie SRV insert indirect nocache httponly secure domain .example.com attr SameSite=Lax",
        // rewrite: the server's own cookie gets the server's value.
        "cookie SRV rewrite",
        // prefix: the server's cookie gets the server's value and '~' in front; requests lose them.
        "cookie JSESSIONID prefix",
        // postonly preserve: only a POST's response gets one, and the server's own is left alone.
        "cookie SRV insert postonly preserve",
    };

    private static String config(int logPort, int[] ports, int s1, int s2, int down) {
        StringBuilder c = new StringBuilder(AccessLogs.prologue(logPort));
        for (int i = 0; i < SECTIONS.length; i++) {
            c.append("listen l").append(i).append('\n')
                    .append("    bind 127.0.0.1:").append(ports[i]).append('\n')
                    .append("    ").append(SECTIONS[i]).append('\n')
                    .append("    server s1 127.0.0.1:").append(s1).append(" cookie c1\n")
                    .append("    server s2 127.0.0.1:").append(s2).append(" cookie c2\n");
        }
        // A server whose checks fail: a cookie naming it is 'D', and the request is balanced to the others.
        c.append("listen ldown\n")
                .append("    bind 127.0.0.1:").append(ports[SECTIONS.length]).append('\n')
                .append("    cookie SRV insert indirect\n")
                .append("    server s1 127.0.0.1:").append(s1).append(" cookie c1\n")
                .append("    server s3 127.0.0.1:").append(down).append(" cookie c3 check inter 100 fall 1\n")
                .append("    server s4 127.0.0.1:").append(s2).append('\n');
        return c.toString();
    }

    /** The requests sent to each section, as their extra field lines (the origin answers with X-Reply-Header's). */
    private static final String[][] REQUESTS = {
        {"", "Cookie: SRV=c2\r\n", "Cookie: a=1;SRV=c2;b=2\r\n", "Cookie: SRV=zz\r\n",
            "X-Reply-Header: Set-Cookie: SRV=server-set\r\n", "X-Reply-Header: Cache-Control: max-age=60\r\n",
            "X-Reply-Header: Cache-Control: private\r\n", "X-Reply-Header: Cache-Control: public, no-cache=\"x\"\r\n",
            "Cookie: SRV=c1\r\nX-Reply-Header: Cache-Control: public\r\n"},
        {"", "Cookie: a=1; SRV=c2; b=2\r\n", "Cookie: SRV=c2\r\n", "Cookie: SRV=zz; a=1\r\n",
            "Cookie: SRV=c1\r\nX-Reply-Header: Set-Cookie: SRV=x; path=/\r\n", "Cookie: a=1, SRV=c1\r\n",
            "Cookie: SRV=c1; SRV=c2\r\nCookie: z=1\r\n"},
        {"", "X-Reply-Header: Set-Cookie: SRV=abc; path=/; HttpOnly\r\n",
            "Cookie: SRV=c2\r\nX-Reply-Header: Set-Cookie: SRV=abc\r\n", "Cookie: SRV=c2 ;x=1\r\n"},
        {"X-Reply-Header: Set-Cookie: JSESSIONID=xyz; path=/\r\n", "Cookie: JSESSIONID=c2~xyz; o=1\r\n",
            "Cookie: JSESSIONID=xyz\r\n", "Cookie: JSESSIONID=zz~xyz, o=c1~3\r\n",
            "Cookie: JSESSIONID=c1~a; JSESSIONID=c2~b\r\n"},
        {"", "POST", "POST\r\nX-Reply-Header: Set-Cookie: SRV=; Max-Age=0\r\n", "Cookie: SRV=c2\r\n"},
        {"Cookie: SRV=c3\r\n", "Cookie: SRV=c3; k=v\r\n", ""},
    };

    @Test
    void sluiceKeepsClientsOnTheirServersAsHaproxyDoes() throws Exception {
        HttpTestOrigin s1 = origin();
        HttpTestOrigin s2 = origin();
        java.net.Socket refusing = FreePorts.dead();
        open.add(refusing);
        int down = refusing.getLocalPort();
        AccessLogs haproxyLogs = receiver();
        AccessLogs sluiceLogs = receiver();
        int[] h = new int[SECTIONS.length + 1];
        for (int i = 0; i < h.length; i++) {
            h[i] = FreePorts.next();
        }
        Haproxy haproxy = new Haproxy(dir.resolve("haproxy"), config(haproxyLogs.port(), h, s1.port(),
                s2.port(), down), h[0]);
        open.add(haproxy);
        Sluice sluice = Sluice.start(ConfigParser.parse("cookies.cfg", config(sluiceLogs.port(),
                new int[h.length], s1.port(), s2.port(), down)));
        open.add(sluice);
        int[] s = new int[h.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = sluice.boundAddresses().get(i).getPort();
        }
        // Both see the dead server DOWN before its requests are sent.
        Thread.sleep(1500);
        haproxyLogs.drain();
        sluiceLogs.drain();

        int compared = 0;
        for (int section = 0; section < REQUESTS.length; section++) {
            for (String extra : REQUESTS[section]) {
                String method = extra.startsWith("POST") ? "POST" : "GET";
                String fields = extra.startsWith("POST") ? extra.substring(4).replaceFirst("^\r\n", "") : extra;
                String request = method + " /r" + compared + " HTTP/1.1\r\nHost: t\r\n" + fields
                        + (method.equals("POST") ? "Content-Length: 0\r\n" : "") + "Connection: close\r\n\r\n";
                String viaHaproxy = exchange(h[section], request, s1, s2, compared, "h");
                String hLog = haproxyLogs.next();
                String viaSluice = exchange(s[section], request, s1, s2, compared, "s");
                String sLog = sluiceLogs.next();
                String what = "section " + section + " (" + (section < SECTIONS.length ? SECTIONS[section] : "down")
                        + "), request:\n" + request;
                assertEquals(viaHaproxy, viaSluice, what);
                assertEquals(hLog, sLog, what);
                compared++;
            }
        }
        assertEquals(32, compared);
        // The comparison means something only if persistence happened: valid cookies, insertions, a down server.
        String all = String.join("\n", logged);
        assertTrue(all.contains("--VN") && all.contains("--NI") && all.contains("--II") && all.contains("--NR")
                && all.contains("--VD") && all.contains("--NP") && all.contains("--DI"), all);
    }

    private final List<String> logged = new ArrayList<>();

    /**
     * Sends one request and describes what happened: the status line, the
     * Set-Cookie and Cache-Control fields in order, which origin served it and
     * the Cookie fields it saw.
     */
    private String exchange(int port, String request, HttpTestOrigin s1, HttpTestOrigin s2, int n, String who)
            throws IOException, InterruptedException {
        int before1 = s1.requestCount();
        int before2 = s2.requestCount();
        String response;
        try (Socket c = new Socket("127.0.0.1", port)) {
            c.setSoTimeout(10_000);
            c.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            response = AccessLogs.readAll(c.getInputStream());
        }
        StringBuilder d = new StringBuilder(response.substring(0, response.indexOf("\r\n"))).append('\n');
        for (String line : response.substring(0, response.indexOf("\r\n\r\n")).split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("set-cookie:") || lower.startsWith("cache-control:")) {
                int colon = line.indexOf(':');
                d.append(lower, 0, colon).append(':').append(line.substring(colon + 1).strip()).append('\n');
            }
        }
        HttpTestOrigin served = s1.requestCount() > before1 ? s1 : s2.requestCount() > before2 ? s2 : null;
        if (served != null) {
            HttpTestOrigin.Request r = served.requests().get(served.requests().size() - 1);
            d.append(served == s1 ? "s1" : "s2").append(" saw ").append(r.headers("cookie")).append('\n');
        } else {
            d.append("no origin\n");
        }
        return d.toString();
    }

    private HttpTestOrigin origin() throws IOException {
        HttpTestOrigin o = new HttpTestOrigin();
        open.add(o);
        return o;
    }

    private AccessLogs receiver() throws IOException {
        AccessLogs logs = new AccessLogs("\\S+/\\S+ \\S{4}", logged);
        open.add(logs);
        return logs;
    }
}
