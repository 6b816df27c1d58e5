package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime API as operators use HAProxy's: every command sent through
 * Debian's {@code socat} (package {@code socat}), {@code echo "show info" |
 * socat stdio /path/to/sock}, to a Sluice of its own in a child JVM, with
 * traffic through it to two test origins to see the changes take effect.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RuntimeApiEndToEndTest {
    static final Path SOCAT = Path.of("/usr/bin/socat");

    @TempDir
    static Path dir;
    private HttpTestOrigin one;
    private HttpTestOrigin two;
    private HttpTestOrigin three;
    private SluiceProcess sluice;
    private Path socket;
    private Path cfg;
    private int port;
    private int userPort;

    @BeforeAll
    void start() throws Exception {
        assertTrue(Files.isExecutable(SOCAT), SOCAT + " is missing: apt-get install socat");
        one = new HttpTestOrigin();
        two = new HttpTestOrigin();
        three = new HttpTestOrigin();
        port = Nginx.freePort();
        userPort = Nginx.freePort();
        socket = dir.resolve("sluice.sock");
        cfg = dir.resolve("sluice.cfg");
        Files.writeString(cfg, config(""));
        sluice = new SluiceProcess(dir, cfg);
        sluice.awaitListening(port);
        sluice.awaitOutput(" running ", 30);
    }

    private String config(String extraBackendLines) {
        return """
                global
                    nbthread 1
                    tune.buffers.limit 64
                    stats socket %s mode 600 level admin
                    stats socket ipv4@127.0.0.1:%d level user
                    stats timeout 5s
                defaults
                    mode http
                    timeout connect 5s
                    timeout client 30s
                    timeout server 30s
                frontend front
                    bind 127.0.0.1:%d
                    default_backend app
                backend app
                    server s1 127.0.0.1:%d
                    server s2 127.0.0.1:%d
                %s""".formatted(socket, userPort, port, one.port(), two.port(), extraBackendLines);
    }

    @AfterAll
    void stop() throws Exception {
        if (sluice != null) {
            sluice.close();
        }
        for (HttpTestOrigin o : new HttpTestOrigin[] {one, two, three}) {
            if (o != null) {
                o.close();
            }
        }
    }

    /** {@code echo COMMAND | socat stdio SOCKET}: the answer, as socat prints it. */
    private String socat(String address, String input) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(SOCAT.toString(), "stdio", address).redirectErrorStream(true).start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "socat did not end");
        return out;
    }

    private String admin(String command) throws IOException, InterruptedException {
        return socat(socket.toString(), command + "\n");
    }

    private int get(String path) throws IOException {
        try (HttpWire w = new HttpWire(port)) {
            return w.exchange("GET " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").status();
        }
    }

    /** Requests each origin received during {@code n} requests through Sluice. */
    private int[] spread(int n) throws IOException {
        int a = one.requests().size();
        int b = two.requests().size();
        int c = three.requests().size();
        for (int i = 0; i < n; i++) {
            assertEquals(200, get("/x"));
        }
        return new int[] {one.requests().size() - a, two.requests().size() - b, three.requests().size() - c};
    }

    @Test
    void theUnixSocketHasTheConfiguredMode() throws IOException {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
    }

    @Test
    void helpListsTheCommandsOfTheLevel() throws Exception {
        String admin = admin("help");
        assertTrue(admin.contains("show servers state") && admin.contains("add server") && admin.contains("reload"),
                admin);
        String user = socat("TCP:127.0.0.1:" + userPort, "help\n");
        assertTrue(user.contains("show info") && !user.contains("set server"), user);
    }

    @Test
    void showInfoGivesHaproxysFieldsAndSluicesPool() throws Exception {
        String info = admin("show info");
        assertTrue(info.startsWith("Name: Sluice\n"), info);
        assertTrue(info.contains("\nPid: " + sluice.pid() + "\n"), info);
        assertTrue(info.contains("\nNbthread: 1\n") && info.contains("\nBuffers_limit: 64\n"), info);
        String typed = admin("show info typed");
        assertTrue(typed.startsWith("0.Name.1:NSP:str:Sluice\n"), typed);
        assertTrue(typed.contains(".Pid.1:MGP:u64:" + sluice.pid() + "\n"), typed);
    }

    @Test
    void showStatIsHaproxysCsvAndTypedForm() throws Exception {
        get("/warm");
        String csv = admin("show stat");
        List<String> lines = csv.lines().toList();
        assertTrue(lines.get(0).startsWith("# pxname,svname,qcur,qmax,scur,smax,slim,stot,"), csv);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("front,FRONTEND,")), csv);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("app,s1,") && l.contains(",UP,")), csv);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("app,BACKEND,")), csv);
        String typed = admin("show stat typed");
        assertTrue(typed.contains("S.2.1.1.svname.1:KNSV:str:s1\n"), typed);
        assertTrue(typed.contains("B.2.0.17.status.1:SGPV:str:UP\n"), typed);
    }

    @Test
    void showBackendSessPoolsAndServersState() throws Exception {
        assertEquals("# name\napp\n", admin("show backend"));
        String state = admin("show servers state");
        List<String> lines = state.lines().toList();
        assertEquals("1", lines.get(0));
        assertTrue(lines.get(1).startsWith("# be_id be_name srv_id srv_name srv_addr srv_op_state"), state);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("1 app 1 s1 127.0.0.1 2 0 1 1 ")), state);
        try (HttpWire held = new HttpWire(port)) {
            held.send("GET /slow/1500 HTTP/1.1\r\nHost: t\r\n\r\n");
            Thread.sleep(200);
            String sess = admin("show sess");
            assertTrue(sess.contains("fe=front") && sess.contains("srv=app/s"), sess);
            String pools = admin("show pools");
            assertTrue(pools.startsWith("loop 0: 64 buffers of 16384 bytes, reserve 2, free "), pools);
            assertTrue(pools.contains("  urgent   waiting=0 allocations="), pools);
            assertEquals(200, held.read().status());
        }
    }

    @Test
    void maintenanceDrainAndWeightChangeWhereRequestsGo() throws Exception {
        assertEquals("", admin("set server app/s1 state maint"));
        assertTrue(admin("show servers state app").contains(" s1 127.0.0.1 0 1 "), admin("show servers state"));
        int[] s = spread(6);
        assertEquals(0, s[0], "a server in maintenance got requests");
        assertEquals("", admin("set server app/s1 state drain"));
        assertEquals(0, spread(4)[0], "a drained server got new requests");
        assertEquals("", admin("set server app/s1 state ready"));
        assertEquals("", admin("disable server app/s2"));
        assertEquals(0, spread(4)[1]);
        assertEquals("", admin("enable server app/s2"));
        assertEquals("", admin("set server app/s1 weight 3"));
        int[] weighted = spread(8);
        assertEquals(6, weighted[0], "weight 3 against 1: " + java.util.Arrays.toString(weighted));
        assertTrue(admin("show stat").lines().anyMatch(l -> l.startsWith("app,s1,") && l.contains(",UP,3,")));
        assertEquals("", admin("set server app/s1 weight 1"));
    }

    @Test
    void anAddressChangeMaxconnAndServersAddedAndRemovedAtRunTime() throws Exception {
        String moved = admin("set server app/s2 addr 127.0.0.1 port " + three.port());
        assertTrue(moved.startsWith("IP changed from '127.0.0.1' to '127.0.0.1', port changed from '" + two.port()
                + "' to '" + three.port() + "'"), moved);
        int[] s = spread(4);
        assertEquals(0, s[1], "the old address still got requests");
        assertEquals(2, s[2]);
        admin("set server app/s2 addr 127.0.0.1 port " + two.port());
        assertEquals("", admin("set maxconn server app/s1 10"));
        assertTrue(admin("show stat").lines().anyMatch(l -> l.startsWith("app,s1,") && l.split(",")[6].equals("10")));
        admin("set maxconn server app/s1 0");

        assertEquals("New server registered.\n", admin("add server app/s3 127.0.0.1:" + three.port() + " weight 2"));
        assertEquals(0, spread(4)[2], "an added server starts in maintenance");
        assertEquals("", admin("enable server app/s3"));
        assertEquals(4, spread(8)[2], "weights 1, 1, 2");
        assertEquals("Only servers in maintenance mode can be deleted.\n", admin("del server app/s3"));
        admin("disable server app/s3");
        assertEquals("Server deleted.\n", admin("del server app/s3"));
        assertFalse(admin("show stat").contains("app,s3,"));
        assertEquals("No such server.\n", admin("enable server app/s3"));
        assertTrue(admin("add server app/s1 127.0.0.1:1").startsWith("Already exists"));
    }

    @Test
    void shutdownSessionsCutsTheSessionsOfTheServer() throws Exception {
        admin("disable server app/s2");
        try (HttpWire held = new HttpWire(port)) {
            held.send("GET /slow/5000 HTTP/1.1\r\nHost: t\r\n\r\n");
            Thread.sleep(300);
            assertEquals("", admin("shutdown sessions server app/s1"));
            held.socket().setSoTimeout(3_000);
            assertTrue(held.closedByPeer(), "the session using s1 is still open");
        } finally {
            admin("enable server app/s2");
        }
    }

    @Test
    void aUserLevelSocketReadsButChangesNothing() throws Exception {
        String tcp = "TCP:127.0.0.1:" + userPort;
        assertTrue(socat(tcp, "show info\n").startsWith("Name: Sluice\n"));
        assertEquals("Permission denied: 'set server' needs level admin\n", socat(tcp, "set server app/s1 state maint\n"));
        assertEquals("Permission denied: 'show sess' needs level operator\n", socat(tcp, "show sess\n"));
        assertTrue(admin("show servers state").contains(" s1 127.0.0.1 2 0 "));
    }

    @Test
    void promptModeRunsCommandsUntilQuitAndSemicolonsSplitALine() throws Exception {
        String out = admin("prompt\nshow backend\nshow backend;show backend\nquit");
        assertEquals("> # name\napp\n\n> # name\napp\n\n# name\napp\n\n> ", out);
        String oneLine = admin("show backend;show backend");
        assertEquals("# name\napp\n# name\napp\n", oneLine);
        assertTrue(admin("frobnicate").startsWith("Unknown command: 'frobnicate'\n"));
        assertEquals("No such backend.\n", admin("show servers state nowhere"));
    }

    @Test
    void reloadRunsTheNewFileAndAnInvalidOneChangesNothing() throws Exception {
        Files.writeString(cfg, config("    server s4 127.0.0.1:" + three.port() + "\n"));
        String reloaded = admin("reload");
        assertTrue(reloaded.startsWith("sluice: reloaded " + cfg + " (generation "), reloaded);
        assertTrue(admin("show stat").contains("app,s4,"));
        Files.writeString(cfg, config("    frobnicate\n"));
        String refused = admin("reload");
        assertTrue(refused.contains(cfg + ":18: 'frobnicate' is not supported by Sluice"), refused);
        assertTrue(admin("show stat").contains("app,s4,"), "the configuration in force changed");
        assertTrue(admin("show info").contains("\nReload_failures: 1\n"));
        Files.writeString(cfg, config(""));
        assertTrue(admin("reload").startsWith("sluice: reloaded"));
        assertEquals(200, get("/after"));
    }
}
