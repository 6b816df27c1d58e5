package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.cli.Sluice;
import dev.sluice.config.ConfigParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code %[...]} values and {@code set-var}, Sluice beside a real HAProxy 2.6
 * on one configuration: the same requests, on one kept-alive connection each,
 * reach the origin with the same added fields (as the origin's
 * {@code /headers} shows them), are routed by a variable to the same backend,
 * and come back with the same fields the response rules render from
 * variables and the connection.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SampleExpressionsEndToEndTest extends HttpEndToEnd {
    @TempDir
    Path dir;

    private static String config(int port, int origin) {
        return config(port, origin, "");
    }

    private static String config(int port, int origin, String logging) {
        return String.join("\n", "global", "    nbthread 1", "defaults", "    mode http", "    timeout client 10s",
                "    timeout server 10s", "    timeout connect 5s", logging,
                "frontend front",
                "    bind 127.0.0.1:" + port,
                "    http-request set-var(txn.host) req.hdr(host),lower",
                "    http-request set-var(sess.user) req.hdr(x-user) if { req.hdr(x-user) -m found }",
                "    http-request set-header X-Real-IP %[src]",
                "    http-request set-header X-Where \"%[path,upper] on port %[dst_port] of %[dst]\"",
                "    http-request add-header X-First %[req.hdr(x-list,1)]",
                "    http-request set-header X-List \"%[req.fhdr(x-list)];%[req.hdr(x-list,-2)];%[req.hdr(x-list)]\"",
                "    http-request set-header X-Off \"50%% off, %[method]\"",
                "    http-request set-header X-User \"user=%[var(sess.user)]\"",
                "    http-request set-header X-Lit %[str(plain)] if { var(txn.host) -m beg www. }",
                "    http-response set-header X-Host %[var(txn.host),upper]",
                "    http-response add-header X-Client \"%[src] tls=%[ssl_fc]\"",
                "    use_backend other if { var(txn.host) -m end .example }",
                "    default_backend app",
                "backend app",
                "    http-request set-header X-Backend app",
                "    server s1 127.0.0.1:" + origin,
                "backend other",
                "    http-request set-header X-Backend other-%[var(txn.host)]",
                "    server s1 127.0.0.1:" + origin,
                "");
    }

    /** The requests, in order on one connection. */
    private static final List<String> REQUESTS = List.of(
            "GET /headers HTTP/1.1\r\nHost: WWW.Shop.Example\r\nX-User: ann\r\nX-List: a, b ,c\r\nX-List: d\r\n\r\n",
            "GET /headers HTTP/1.1\r\nHost: api.internal\r\nX-List: only\r\n\r\n",
            "POST /headers HTTP/1.1\r\nHost: www.example\r\nContent-Length: 0\r\n\r\n");

    /** Per request: the fields the rules added, as the origin got them, then the response's rendered fields. */
    private static List<String> exchange(int port) throws Exception {
        List<String> seen = new ArrayList<>();
        try (HttpWire w = new HttpWire(port)) {
            for (String request : REQUESTS) {
                HttpWire.Response r = w.exchange(request);
                assertEquals(200, r.status(), r.head());
                StringBuilder fields = new StringBuilder();
                for (String line : r.text().split("\r\n")) {
                    // HAProxy writes field names in lower case: compare them so.
                    String name = line.contains(":") ? line.substring(0, line.indexOf(':')).toLowerCase() : "";
                    if (name.startsWith("x-") && (!name.equals("x-list") || line.contains(";"))) {
                        fields.append(name).append(line.substring(name.length())).append('\n');
                    }
                }
                fields.append("response X-Host: ").append(r.header("x-host")).append('\n');
                fields.append("response X-Client: ").append(r.headers("x-client")).append('\n');
                seen.add(fields.toString());
            }
        }
        return seen;
    }

    @Test
    void aLogFormatsSampleExpressionsWriteHaproxysFields() throws Exception {
        HttpTestOrigin origin = origin();
        List<String> lines = new ArrayList<>();
        String format = "    log-format \"S %[src] %{+Q}[var(txn.host)] %[var(txn.none)] %[ssl_fc] %{+Q}[var(sess.user)]"
                + " %[var(txn.host),upper] %{+Q}[str(lit)]\"";
        List<String> mine;
        try (AccessLogs log = new AccessLogs("S .*", lines)) {
            String logging = "    log 127.0.0.1:" + log.port() + " format raw local0\n" + format;
            int port = FreePorts.next();
            sluice = Sluice.start(ConfigParser.parse("samples.cfg", config(port, origin.port(), logging)));
            exchange(port);
            for (int i = 0; i < REQUESTS.size(); i++) {
                log.next();
            }
            mine = new ArrayList<>(lines);
            lines.clear();
            int theirPort = FreePorts.next();
            try (Haproxy h = new Haproxy(dir.resolve("haproxy"), config(theirPort, origin.port(), logging), theirPort)) {
                // The probe that saw HAProxy listen was a connection without a request: its line goes.
                log.drain();
                exchange(theirPort);
                for (int i = 0; i < REQUESTS.size(); i++) {
                    log.next();
                }
            }
        }
        assertEquals("S 127.0.0.1 \"www.shop.example\" - 0 \"ann\" WWW.SHOP.EXAMPLE \"lit\"", lines.get(0));
        assertEquals(lines, mine);
    }

    @Test
    void valuesVariablesAndRoutingByAVariableAreHaproxys() throws Exception {
        HttpTestOrigin origin = origin();
        int mine = FreePorts.next();
        sluice = Sluice.start(ConfigParser.parse("samples.cfg", config(mine, origin.port())));
        List<String> ours = exchange(mine);
        int theirPort = FreePorts.next();
        List<String> theirs;
        try (Haproxy h = new Haproxy(dir.resolve("haproxy"), config(theirPort, origin.port()), theirPort)) {
            theirs = exchange(theirPort);
        }
        // What HAProxy writes, first: the test holds Sluice to it, not to itself.
        assertTrue(theirs.get(0).contains("x-real-ip: 127.0.0.1\n"), theirs.get(0));
        assertTrue(theirs.get(0).contains("x-backend: other-www.shop.example\n"), theirs.get(0));
        assertEquals(theirs, ours.stream().map(s -> s.replace("port " + mine, "port " + theirPort)).toList());
    }
}
