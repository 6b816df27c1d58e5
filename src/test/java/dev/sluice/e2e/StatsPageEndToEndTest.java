package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.stats.StatCsv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stats page in a real browser: headless Chromium loads it from a listen
 * section and its DOM shows the live numbers (requests, a server's sessions,
 * the buffer panel); {@code ;csv} has HAProxy's columns in HAProxy's order,
 * and {@code ;json} HAProxy 2.6's fields, positions and tags;
 * {@code stats auth} asks for credentials with 401 and WWW-Authenticate; the
 * monitor URI answers 200, and 503 while {@code monitor fail} holds.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StatsPageEndToEndTest extends HttpEndToEnd {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    Path dir;

    private int statsPort() {
        return sluice.boundAddresses().get(1).getPort();
    }

    private void startWithStats(String... statsLines) throws Exception {
        HttpTestOrigin origin = origin();
        List<String> more = new ArrayList<>(List.of("listen stats", "    bind 127.0.0.1:0", "    stats enable",
                "    stats uri /stats"));
        for (String l : statsLines) {
            more.add("    " + l);
        }
        start(cfg(origin).more(more.toArray(new String[0])));
    }

    /** Chromium's serialised DOM of {@code url}, after its scripts ran; bounded in time. */
    static String dumpDom(Path dir, String url) throws IOException, InterruptedException {
        return dumpDom(dir, null, url);
    }

    /** As {@link #dumpDom(Path, String)}, with one more Chromium switch (null for none). */
    static String dumpDom(Path dir, String option, String url) throws IOException, InterruptedException {
        assertTrue(Files.isExecutable(CHROMIUM), "chromium is not installed (.ci/run installs it)");
        Process p = option == null ? chromium(dir, "--dump-dom", url) : chromium(dir, option, "--dump-dom", url);
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not end");
        }
        return new String(out, java.nio.charset.StandardCharsets.UTF_8);
    }

    static Process chromium(Path dir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--no-proxy-server", "--user-data-dir=" + dir.resolve("chromium-profile"),
                "--timeout=10000"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(dir.resolve("chromium.err").toFile()).start();
    }

    static String byId(String dom, String id) {
        Matcher m = Pattern.compile("id=\"" + Pattern.quote(id) + "\"[^>]*>([^<]*)<").matcher(dom);
        assertTrue(m.find(), "no element " + id + " in:\n" + dom);
        return m.group(1);
    }

    @Test
    void chromiumShowsTheLiveNumbersOfTheStatsPage() throws Exception {
        startWithStats("stats show-legends", "stats show-node edge-1", "stats refresh 10s");
        int requests = 5;
        try (HttpWire w = wire()) {
            for (int i = 0; i < requests; i++) {
                w.exchange(get("/hello"));
            }
        }
        String dom = dumpDom(dir, "http://127.0.0.1:" + statsPort() + "/stats");
        // The browser's own request is counted too.
        assertEquals(Long.toString(requests + 1), byId(dom, "http-requests"));
        assertEquals(Long.toString(requests), byId(dom, "be-app-s1-stot"));
        // The frontend's own count: the browser asked the stats section, not this frontend.
        assertEquals(Long.toString(requests), byId(dom, "fe-front-req-tot"));
        assertEquals("UP", byId(dom, "be-app-s1-status"));
        assertEquals(64, Long.parseLong(byId(dom, "loop0-client-inuse")) + Long.parseLong(byId(dom, "loop0-client-free")));
        assertEquals("2", byId(dom, "loop0-client-reserve"));
        assertEquals(Long.toString(counter("buffer_handoffs_normal")), byId(dom, "loop0-client-normal-handoffs"));
        assertEquals("0", byId(dom, "loop0-client-failed"));
        assertEquals("edge-1", byId(dom, "node"));
        assertTrue(dom.contains("id=\"loop0-history\""), dom);
        assertTrue(dom.contains("id=\"legends\""), dom);
        assertTrue(dom.contains("<td class=\"n\">front</td>"), dom);
    }

    @Test
    void theCsvHasHaproxysColumnsInHaproxysOrder() throws Exception {
        assumeCurl();
        startWithStats();
        try (HttpWire w = wire()) {
            w.exchange(get("/hello"));
        }
        CurlResult r = curl(dir, "http://127.0.0.1:" + statsPort() + "/stats;csv");
        String[] lines = r.text().split("\n");
        assertEquals("# " + String.join(",", StatCsv.COLUMNS) + ",", lines[0]);
        assertTrue(lines[0].startsWith("# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,"), lines[0]);
        String s1 = java.util.Arrays.stream(lines).filter(l -> l.startsWith("app,s1,")).findFirst().orElseThrow();
        String[] f = s1.split(",", -1);
        assertEquals("1", f[StatCsv.COLUMNS.indexOf("stot")], s1);
        assertEquals("UP", f[StatCsv.COLUMNS.indexOf("status")], s1);
        assertEquals("", f[StatCsv.COLUMNS.indexOf("bin")], "a column Sluice lacks stays empty: " + s1);
        String front = java.util.Arrays.stream(lines).filter(l -> l.startsWith("front,FRONTEND,")).findFirst()
                .orElseThrow();
        assertEquals("1", front.split(",", -1)[StatCsv.COLUMNS.indexOf("req_tot")], front);
    }

    /** One field object of HAProxy's stats JSON: object type, position, name, tags, value type and value. */
    private static final Pattern JSON_FIELD = Pattern.compile("\\{\"objType\":\"(\\w+)\",\"proxyId\":\\d+,\"id\":\\d+,"
            + "\"field\":\\{\"pos\":(\\d+),\"name\":\"(\\w+)\"\\},\"processNum\":1,\"tags\":\\{\"origin\":\"(\\w+)\","
            + "\"nature\":\"(\\w+)\",\"scope\":\"(\\w+)\"\\},\"value\":\\{\"type\":\"(str|u32|u64|s32|s64)\","
            + "\"value\":(\"(?:[^\"\\\\]|\\\\.)*\"|-?\\d+)\\}\\}");

    /** Every field object of a stats JSON text, as "objType name" to "pos origin nature scope". */
    private static java.util.Map<String, String> jsonFields(String json) {
        java.util.Map<String, String> fields = new java.util.HashMap<>();
        Matcher m = JSON_FIELD.matcher(json);
        int count = 0;
        while (m.find()) {
            count++;
            fields.put(m.group(1) + " " + m.group(3), m.group(2) + " " + m.group(4) + " " + m.group(5) + " "
                    + m.group(6));
        }
        assertEquals(json.split("\"objType\"", -1).length - 1, count, "every field object has HAProxy's shape: "
                + json);
        return fields;
    }

    @Test
    void theJsonHasHaproxysFieldsPositionsAndTags() throws Exception {
        assumeCurl();
        startWithStats();
        try (HttpWire w = wire()) {
            w.exchange(get("/hello"));
        }
        CurlResult r = curl(dir, "-i", "http://127.0.0.1:" + statsPort() + "/stats;json");
        assertTrue(r.text().toLowerCase().contains("content-type: application/json"), r.text());
        String json = r.text().substring(r.text().indexOf("\r\n\r\n") + 4);
        assertTrue(json.startsWith("[[{\"objType\":\"Frontend\"") && json.trim().endsWith("}]]"), json);
        assertTrue(json.contains("\"field\":{\"pos\":48,\"name\":\"req_tot\"},\"processNum\":1,\"tags\":{\"origin\":"
                + "\"Metric\",\"nature\":\"Counter\",\"scope\":\"Process\"},\"value\":{\"type\":\"u64\",\"value\":1}}"), json);
        java.util.Map<String, String> mine = jsonFields(json);
        // Without stats show-legends, as in HAProxy, no server address and no algorithm.
        assertTrue(!json.contains("\"name\":\"addr\"") && !json.contains("\"name\":\"algo\""), json);
        assertTrue(mine.containsKey("Server status") && mine.containsKey("Backend lbtot"), json);

        // HAProxy 2.6's own page, for the same sections: each field Sluice fills has HAProxy's position and tags.
        int[] ports = new int[2];
        for (int i = 0; i < ports.length; i++) {
            ports[i] = FreePorts.next();
        }
        String config = String.join("\n", "global", "    nbthread 1", "defaults", "    mode http",
                "    timeout client 5s", "    timeout server 5s", "    timeout connect 5s", "frontend front",
                "    bind 127.0.0.1:" + ports[0], "    default_backend app", "backend app",
                "    server s1 127.0.0.1:9 check", "listen stats", "    bind 127.0.0.1:" + ports[1], "    stats enable",
                "    stats uri /stats", "");
        java.util.Map<String, String> haproxys;
        try (Haproxy h = new Haproxy(dir.resolve("haproxy"), config, ports[1])) {
            CurlResult theirs = curl(dir, "http://127.0.0.1:" + ports[1] + "/stats;json");
            haproxys = jsonFields(theirs.text());
        }
        for (java.util.Map.Entry<String, String> f : mine.entrySet()) {
            assertEquals(haproxys.get(f.getKey()), f.getValue(), "position and tags of " + f.getKey());
        }
    }

    @Test
    void statsAuthAsksForCredentialsAndLetsTheRightOnesIn() throws Exception {
        assumeCurl();
        startWithStats("stats auth admin:s3cret", "stats auth ops:other", "stats realm Edge");
        String url = "http://127.0.0.1:" + statsPort() + "/stats";
        CurlResult none = curl(dir, "-i", url);
        assertTrue(none.text().startsWith("HTTP/1.1 401"), none.text());
        assertTrue(none.text().toLowerCase().contains("www-authenticate: basic realm=\"edge\""), none.text());
        CurlResult wrong = curl(dir, "-i", "-u", "admin:nope", url);
        assertTrue(wrong.text().startsWith("HTTP/1.1 401"), wrong.text());
        CurlResult right = curl(dir, "-i", "-u", "ops:other", url);
        assertTrue(right.text().startsWith("HTTP/1.1 200"), right.text());
        assertTrue(right.text().contains("id=\"buffers\""), right.text());
    }

    @Test
    void theMonitorUriAnswers200AndFailsWhileItsConditionHolds() throws Exception {
        assumeCurl();
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend("monitor-uri /alive", "acl down hdr(x-down) -m found", "monitor fail if down"));
        CurlResult ok = curl(dir, "-i", "http://127.0.0.1:" + port() + "/alive");
        assertTrue(ok.text().startsWith("HTTP/1.1 200"), ok.text());
        CurlResult failed = curl(dir, "-i", "-H", "x-down: 1", "http://127.0.0.1:" + port() + "/alive");
        assertTrue(failed.text().startsWith("HTTP/1.1 503"), failed.text());
        assertEquals(0, origin.requestCount(), "the monitor URI reached the server");
        CurlResult other = curl(dir, "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:" + port() + "/x");
        assertEquals("200", other.text());
    }
}
