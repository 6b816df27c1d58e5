package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stats page's admin forms ({@code stats admin if COND}), against real
 * origins and, for the answers, a real HAProxy 2.6 given the same sections:
 * the same POSTs get the same {@code 303 See Other} and the same
 * {@code ;st=} code; the servers change state as the forms say; a section
 * without {@code stats admin}, and a POST from another site's page, are
 * denied; the page shows the forms and the outcome; a POST on a kept-alive
 * connection leaves it usable; and headless Chromium posts a form from a page
 * of the same site, follows the 303 and shows the outcome, while the same form
 * posted from another site's page is denied.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StatsAdminEndToEndTest extends HttpEndToEnd {
    @TempDir
    Path dir;

    private HttpTestOrigin second;

    private void startWithAdmin() throws Exception {
        HttpTestOrigin origin = origin();
        second = origin();
        start(cfg(origin).backend("server s2 127.0.0.1:" + second.port()).more("listen stats", "    bind 127.0.0.1:0",
                "    stats uri /stats", "    stats admin if LOCALHOST", "listen viewer", "    bind 127.0.0.1:0",
                "    stats uri /stats"));
    }

    private int adminPort() {
        return sluice.boundAddresses().get(1).getPort();
    }

    private int viewerPort() {
        return sluice.boundAddresses().get(2).getPort();
    }

    /** A form POST to {@code /stats} of {@code port} on a new connection, with {@code fields} added to its head. */
    private static HttpWire.Response post(int port, String body, String... fields) throws IOException {
        try (HttpWire w = new HttpWire(port)) {
            return w.exchange(postRequest(port, body, fields));
        }
    }

    private static String postRequest(int port, String body, String... fields) {
        StringBuilder r = new StringBuilder("POST /stats HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length() + "\r\n");
        for (String f : fields) {
            r.append(f).append("\r\n");
        }
        return r.append("\r\n").append(body).toString();
    }

    /** A PUT of the form, a method the page does not take. */
    private static HttpWire.Response put(int port) throws IOException {
        try (HttpWire w = new HttpWire(port)) {
            return w.exchange(postRequest(port, "s=s1&action=maint&b=app").replaceFirst("POST", "PUT"));
        }
    }

    /** The server's status in the page's CSV. */
    private String csvStatus(int port, String server) throws IOException {
        try (HttpWire w = new HttpWire(port)) {
            HttpWire.Response r = w.exchange(get("/stats;csv"));
            for (String line : r.text().split("\n")) {
                String[] cells = line.split(",", -1);
                if (cells.length > 17 && cells[0].equals("app") && cells[1].equals(server)) {
                    return cells[17];
                }
            }
            throw new AssertionError("no row app/" + server + " in\n" + r.text());
        }
    }

    /** The forms HAProxy 2.6 and Sluice are both given, in order, each with the code it must get. */
    private static final List<List<String>> FORMS = List.of(
            List.of("s=s1&action=maint&b=app", "DONE"),
            List.of("s=s1&s=s2&action=drain&b=app", "DONE"),
            List.of("s=s1&s=nosuch&action=ready&b=app", "PART"),
            List.of("s=nosuch&action=ready&b=app", "ERRP"),
            List.of("action=ready&b=app", "NONE"),
            List.of("s=s1&b=app", "NONE"),
            List.of("s=s1&action=frobnicate&b=app", "ERRP"),
            List.of("s=s1&action=ready&b=nosuch", "ERRP"),
            // Sluice has no agent checks: the action applies to no server, as HAProxy's to a server without one.
            List.of("s=s1&action=dagent&b=app", "NONE"),
            // The old names count only what they change.
            List.of("s=s1&action=disable&b=app", "DONE"),
            List.of("s=s1&action=disable&b=app", "NONE"),
            List.of("s=s1&action=enable&b=app", "DONE"),
            List.of("s=s1&s=s1&action=stop&b=app", "DONE"),
            List.of("s=s1&action=start&b=app", "DONE"),
            // Encoded as a browser encodes; the last b wins.
            List.of("s=s%32&action=maint&b=nosuch&b=%61pp", "DONE"),
            List.of("s=s2&action=ready&b=app", "DONE"),
            List.of("s=s1&action=ready&b=app", "DONE"));

    @Test
    void theFormsGetHaproxysAnswersAndChangeTheServers() throws Exception {
        startWithAdmin();
        List<String> mine = new ArrayList<>();
        for (List<String> form : FORMS) {
            String body = form.get(0);
            HttpWire.Response r = post(adminPort(), body);
            assertEquals(303, r.status(), body + ": " + r.head());
            assertEquals("no-cache", r.header("cache-control"), r.head());
            mine.add(r.header("location"));
            if (body.equals("s=s1&action=maint&b=app")) {
                assertEquals("MAINT", csvStatus(adminPort(), "s1"));
                assertEquals("UP", csvStatus(adminPort(), "s2"));
            } else if (body.equals("s=s1&s=s2&action=drain&b=app")) {
                assertEquals("DRAIN", csvStatus(adminPort(), "s1"));
                assertEquals("DRAIN", csvStatus(adminPort(), "s2"));
            }
        }
        for (String server : List.of("s1", "s2")) {
            assertEquals("UP", csvStatus(adminPort(), server));
        }
        List<String> codes = FORMS.stream().map(f -> "/stats;st=" + f.get(1)).toList();
        assertEquals(codes, mine);
        // A section without 'stats admin': the page may be seen, its forms not posted.
        HttpWire.Response denied = post(viewerPort(), "s=s1&action=maint&b=app");
        assertEquals("/stats;st=DENY", denied.header("location"));
        assertEquals("UP", csvStatus(adminPort(), "s1"));

        // HAProxy 2.6, the same sections and the same forms.
        int front = FreePorts.next();
        int admin = FreePorts.next();
        int viewer = FreePorts.next();
        String config = String.join("\n", "global", "    nbthread 1", "defaults", "    mode http",
                "    timeout client 5s", "    timeout server 5s", "    timeout connect 5s", "frontend front",
                "    bind 127.0.0.1:" + front, "    default_backend app", "backend app",
                "    server s2 127.0.0.1:" + second.port(), "    server s1 127.0.0.1:" + second.port(),
                "listen stats", "    bind 127.0.0.1:" + admin, "    stats uri /stats", "    stats admin if LOCALHOST",
                "listen viewer", "    bind 127.0.0.1:" + viewer, "    stats uri /stats", "");
        List<String> theirs = new ArrayList<>();
        String theirDenial;
        HttpWire.Response theirPut;
        try (Haproxy h = new Haproxy(dir.resolve("haproxy"), config, viewer)) {
            for (List<String> form : FORMS) {
                String body = form.get(0);
                HttpWire.Response r = post(admin, body);
                assertEquals(303, r.status(), "haproxy, " + body + ": " + r.head());
                theirs.add(r.header("location"));
            }
            theirDenial = post(viewer, "s=s1&action=maint&b=app").header("location");
            theirPut = put(admin);
        }
        HttpWire.Response myPut = put(adminPort());
        assertEquals(theirPut.status(), myPut.status(), myPut.head());
        assertEquals(theirPut.header("location"), myPut.header("location"));
        assertEquals(theirs, mine);
        assertEquals(theirDenial, denied.header("location"));
    }

    @Test
    void aPostFromAnotherSitesPageIsDeniedAndOneFromThePageItselfIsNot() throws Exception {
        startWithAdmin();
        HttpWire.Response forged = post(adminPort(), "s=s1&action=maint&b=app", "Origin: http://evil.example");
        assertEquals("/stats;st=DENY", forged.header("location"));
        HttpWire.Response referred = post(adminPort(), "s=s1&action=maint&b=app",
                "Referer: http://evil.example/page?x=http://127.0.0.1:" + adminPort() + "/");
        assertEquals("/stats;st=DENY", referred.header("location"));
        assertEquals("UP", csvStatus(adminPort(), "s1"));
        HttpWire.Response own = post(adminPort(), "s=s1&action=maint&b=app",
                "Origin: http://127.0.0.1:" + adminPort());
        assertEquals("/stats;st=DONE", own.header("location"));
        assertEquals("MAINT", csvStatus(adminPort(), "s1"));
        HttpWire.Response fromThePage = post(adminPort(), "s=s1&action=ready&b=app",
                "Referer: http://127.0.0.1:" + adminPort() + "/stats;st=DONE");
        assertEquals("/stats;st=DONE", fromThePage.header("location"));
        assertEquals("UP", csvStatus(adminPort(), "s1"));
    }

    @Test
    void onlyAnAdminSeesTheFormsAndThePageShowsTheOutcome() throws Exception {
        startWithAdmin();
        try (HttpWire w = new HttpWire(adminPort())) {
            String page = w.exchange(get("/stats;st=PART")).text();
            assertTrue(page.contains("<form method=\"post\" action=\"/stats\" id=\"be-app-form\">"), page);
            assertTrue(page.contains("<input type=\"checkbox\" name=\"s\" value=\"s1\""), page);
            assertTrue(page.contains("<input type=\"hidden\" name=\"b\" value=\"app\">"), page);
            assertTrue(page.contains("<option value=\"hdown\">"), page);
            assertTrue(page.contains("id=\"admin-status\" class=\"failed\" data-code=\"PART\""), page);
        }
        try (HttpWire w = new HttpWire(viewerPort())) {
            String page = w.exchange(get("/stats")).text();
            assertFalse(page.contains("<form"), page);
            assertFalse(page.contains("admin-status"), page);
            assertTrue(page.contains("id=\"be-app-s1-status\">UP<"), page);
        }
    }

    @Test
    void aPostOnAKeptConnectionLeavesItReadyForTheNextRequest() throws Exception {
        startWithAdmin();
        try (HttpWire w = new HttpWire(adminPort())) {
            HttpWire.Response posted = w.exchange(postRequest(adminPort(), "s=s2&action=drain&b=app"));
            assertEquals(303, posted.status(), posted.head());
            assertFalse(posted.closes(), posted.head());
            HttpWire.Response page = w.exchange(get("/stats;st=DONE"));
            assertEquals(200, page.status(), page.head());
            assertTrue(page.text().contains("id=\"be-app-s2-status\">DRAIN<"), page.text());
            assertTrue(page.text().contains("data-code=\"DONE\""), page.text());
        }
        // A drained server takes no new request: every one goes to s1.
        long before = second.requestCount();
        try (HttpWire w = wire()) {
            for (int i = 0; i < 6; i++) {
                assertEquals(200, w.exchange(get("/hello")).status());
            }
        }
        assertEquals(before, second.requestCount());
    }

    @Test
    void aFormWhoseBodyComesAfterItsHeadIsWaitedFor() throws Exception {
        startWithAdmin();
        String request = postRequest(adminPort(), "s=s2&action=maint&b=app");
        int split = request.indexOf("\r\n\r\n") + 4;
        try (HttpWire w = new HttpWire(adminPort())) {
            w.send(request.substring(0, split));
            Thread.sleep(200);
            w.send(request.substring(split, split + 5));
            Thread.sleep(200);
            w.send(request.substring(split + 5));
            HttpWire.Response r = w.read();
            assertEquals(303, r.status(), r.head());
            assertEquals("/stats;st=DONE", r.header("location"));
        }
        assertEquals("MAINT", csvStatus(adminPort(), "s2"));
    }

    /** A page that posts a form to the stats page as soon as it loads, as an operator's click would. */
    private static String autoSubmit(String action, String server) {
        return "<!DOCTYPE html><html><body><form method=\"post\" action=\"ACTION\">".replace("ACTION", action)
                + "<input type=\"hidden\" name=\"s\" value=\"" + server + "\">"
                + "<input type=\"hidden\" name=\"action\" value=\"maint\">"
                + "<input type=\"hidden\" name=\"b\" value=\"app\"></form>"
                + "<script>document.forms[0].submit();</script></body></html>";
    }

    @Test
    void chromiumPostsAFormFollowsTheRedirectAndShowsTheOutcomeAndAnotherSitesPageIsDenied() throws Exception {
        java.nio.file.Path page = dir.resolve("submit.html");
        java.nio.file.Files.writeString(page, autoSubmit("/stats", "s2"));
        HttpTestOrigin origin = origin();
        second = origin();
        start(cfg(origin).backend("server s2 127.0.0.1:" + second.port()).more("listen stats", "    bind 127.0.0.1:0",
                "    http-request return status 200 content-type text/html file " + page + " if { path /submit }",
                "    stats uri /stats", "    stats admin if LOCALHOST"));
        String base = "http://127.0.0.1:" + adminPort();
        // The browser loads a page of the same site, which posts the form: 303, then the page with its outcome.
        String dom = StatsPageEndToEndTest.dumpDom(dir, "--virtual-time-budget=5000", base + "/submit");
        assertTrue(dom.contains("data-code=\"DONE\""), dom);
        assertEquals("MAINT", StatsPageEndToEndTest.byId(dom, "be-app-s2-status"));
        assertEquals("MAINT", csvStatus(adminPort(), "s2"));
        // Another site's page (here a data: URL, whose Origin is "null") posts the same form: denied.
        String foreign = "data:text/html;base64," + java.util.Base64.getEncoder().encodeToString(
                autoSubmit(base + "/stats", "s1").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String denied = StatsPageEndToEndTest.dumpDom(dir, "--virtual-time-budget=5000", foreign);
        assertTrue(denied.contains("data-code=\"DENY\""), denied);
        assertEquals("UP", csvStatus(adminPort(), "s1"));
    }

    @Test
    void shutdownEndsTheSessionsUsingTheServer() throws Exception {
        startWithAdmin();
        try (HttpWire held = wire()) {
            // s2 is the first in the file: round robin sends it the first request. Wait until it holds it.
            held.send(get("/slow/8000"));
            awaitTrue(() -> second.requestCount() == 1, () -> "s2 did not get the request");
            HttpWire.Response r = post(adminPort(), "s=s2&action=shutdown&b=app");
            assertEquals("/stats;st=DONE", r.header("location"));
            // Ended now: the answer, 8 s away, never comes.
            assertTrue(held.closedByPeer(), "the session using s2 was not ended");
        }
    }
}
