package dev.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Real configurations, checked as {@code sluice -c} checks them: each has an
 * expected outcome (valid, valid without listener, or its first error at
 * FILE:LINE) and the families of keywords it still waits for. When a feature
 * lands, the outcome of the files that wait for it changes and this test fails
 * until the table below says so: flip the entry, and the corpus shows the
 * progress.
 *
 * <p>Two sources: the files written for Sluice in {@code src/test/resources/configs}
 * (see the README there), and HAProxy's own files as Debian installs them
 * (package {@code haproxy}: {@code /etc/haproxy/haproxy.cfg}, the examples in
 * {@code /usr/share/doc/haproxy/examples}, and the two configurations of section
 * 2.6 of its manual), read where they are and never copied. The test also asks
 * HAProxy 2.6 itself ({@code haproxy -c}) whether each file of the first source
 * is valid, so that the corpus holds files real users could run.
 */
class ConfigCorpusTest {
    private static final Path OWN = Path.of("src", "test", "resources", "configs");
    private static final Path DEBIAN_DEFAULT = Path.of("/etc/haproxy/haproxy.cfg");
    private static final Path EXAMPLES = Path.of("/usr/share/doc/haproxy/examples");
    private static final Path MANUAL = Path.of("/usr/share/doc/haproxy/configuration.txt.gz");

    /** What Sluice says of a file today: "valid", "no listener", or its first error. */
    private record Expected(String outcome, Set<String> waitsFor) {
        static Expected valid() {
            return new Expected("valid", Set.of());
        }

        static Expected refused(String firstError, String... waitsFor) {
            return new Expected(firstError, new TreeSet<>(List.of(waitsFor)));
        }
    }

    /**
     * The expected outcome of every file, by name. The families: {@code logs},
     * {@code stats}, {@code checks}, {@code balancing} (algorithms, weights,
     * persistence, retries), {@code tls}, {@code runtime} (process keywords,
     * stats socket), {@code routing} (tcp-request and layer-4 routing, which the
     * session rewrite wires), {@code http} (HTTP features of issue 10 still to
     * build), {@code other} (keywords no family owns: refused for good or not
     * planned), {@code legacy} (HAProxy itself refuses them).
     */
    private static final Map<String, Expected> EXPECTED = expected();

    private static Map<String, Expected> expected() {
        Map<String, Expected> e = new LinkedHashMap<>();
        e.put("ansible-role-web-defaults.cfg", Expected.valid());
        e.put("compose-lab-minimal.cfg", Expected.valid());
        e.put("cpu-map-tuning.cfg", Expected.refused("cpu-map-tuning.cfg:7: 'cpu-map' is not supported by Sluice: Sluice does not pin its event"
                + " loop threads to CPUs; remove the line, or pin the whole process with taskset or"
                + " systemd's CPUAffinity",
                "other"));
        e.put("dual-stack-socket-tuning.cfg", Expected.valid());
        e.put("env-vars-named-defaults.cfg", Expected.valid());
        e.put("galera-mysql.cfg", Expected.valid());
        e.put("host-and-path-routing.cfg", Expected.valid());
        e.put("k8s-apiserver-node-lb.cfg", Expected.valid());
        e.put("layer4-acls-tcp.cfg", Expected.valid());
        e.put("legacy-haproxy-1.4.cfg", Expected.refused("legacy-haproxy-1.4.cfg:7: 'nbproc' is not supported by Sluice: HAProxy removed it in 2.5;"
                + " write 'nbthread' (one event loop per thread) instead",
                "legacy"));
        e.put("openshift-bare-metal-lb.cfg", Expected.valid());
        e.put("openstack-horizon.cfg", Expected.valid());
        e.put("patroni-postgres.cfg", Expected.refused("patroni-postgres.cfg:27: default-server: 'on-marked-down' is not supported by"
                + " Sluice: Sluice leaves the sessions of a server that goes DOWN to finish",
                "checks"));
        e.put("rabbitmq-cluster.cfg", Expected.valid());
        e.put("redis-master-tcp-check.cfg", Expected.valid());
        e.put("ssh-bastion-tcp.cfg", Expected.valid());
        e.put("stats-page-listen.cfg", Expected.valid());
        e.put("tls-redirect-and-origination.cfg", Expected.valid());
        e.put("websocket-tunnel.cfg", Expected.valid());
        // Debian's default file defines no proxy: HAProxy too starts it with no listener.
        e.put("debian:haproxy.cfg", new Expected("no listener", Set.of()));
        e.put("example:basic-config-edge.cfg", Expected.refused("example:basic-config-edge.cfg:12: 'default-path' is not supported by Sluice",
                "http", "http2", "other", "runtime", "stats"));
        e.put("example:content-sw-sample.cfg", Expected.refused("example:content-sw-sample.cfg:40: 'option prefer-last-server' is not"
                + " supported by Sluice",
                "balancing"));
        e.put("example:option-http_proxy.cfg", Expected.refused("example:option-http_proxy.cfg:28: acl: fetch 'url_ip' is not supported by Sluice"
                + " (supported: path, url, hdr(NAME) and req.hdr(NAME), each also with _beg, _end, _sub or _reg;"
                + " hdr_cnt([NAME]); method; src; dst; dst_port; nbsrv(BACKEND); ssl_fc; ssl_fc_sni, also with _beg, _end, _sub or _reg; ssl_fc_protocol; ssl_c_used; ssl_c_verify; var(NAME);"
                + " in mode tcp req.len, req.ssl_hello_type and req.ssl_sni, also with _beg, _end, _sub or _reg; of a stick table sc_*, sc0_* to sc2_* and src_* of conn_cur, conn_cnt, conn_rate, http_req_cnt, http_req_rate, http_err_cnt, http_err_rate, and sc_tracked)",
                "http"));
        e.put("example:quick-test.cfg", Expected.refused("example:quick-test.cfg:5: 'strict-limits' is not supported by Sluice",
                "other"));
        e.put("example:socks4.cfg", Expected.refused("example:socks4.cfg:25: server SMTPS2_Via_SocksProxy1: 'socks4' is not supported by Sluice",
                "other"));
        e.put("example:transparent_proxy.cfg", Expected.refused("example:transparent_proxy.cfg:20: 'source' is not supported by Sluice",
                "other"));
        e.put("example:wurfl-example.cfg", Expected.refused("example:wurfl-example.cfg:10: 'wurfl-data-file' is not supported by Sluice",
                "http", "other"));
        e.put("manual-2.6:frontend-backend.cfg", Expected.valid());
        e.put("manual-2.6:listen.cfg", Expected.valid());
        return e;
    }

    /** Files whose expected HAProxy 2.6 verdict is "invalid": they hold directives HAProxy removed. */
    private static final Set<String> HAPROXY_REFUSES = Set.of("legacy-haproxy-1.4.cfg");

    /** Which family a refusal belongs to, by the keyword it names. */
    private static final List<Map.Entry<Pattern, String>> FAMILIES = List.of(
            Map.entry(Pattern.compile("'(stats socket|ulimit-n|daemon|user|group|uid|gid|chroot|pidfile|"
                    + "master-worker|server-state-file|server-template|stats timeout)'"), "runtime"),
            Map.entry(Pattern.compile("'(log|log-format|log-tag|option (httplog|tcplog|httpslog|dontlog-normal|"
                    + "log-separate-errors)|capture [a-z ]+)'"), "logs"),
            Map.entry(Pattern.compile("'(stats [a-z-]+|monitor-uri|monitor fail)'"), "stats"),
            Map.entry(Pattern.compile("'(check|inter|fastinter|downinter|rise|fall|port|addr|option (httpchk|tcp-check|"
                    + "mysql-check|pgsql-check|redis-check|smtpchk|ssl-hello-chk|log-health-checks)|http-check [a-z-]+|"
                    + "tcp-check [a-z-]+|timeout check|spread-checks|on-marked-down|slowstart|check-ssl|"
                    + "agent-check)'"), "checks"),
            Map.entry(Pattern.compile("balance [a-z_]+ is not supported|'(weight|backup|cookie|hash-type|retries|"
                    + "option redispatch|option allbackups|option prefer-last-server|fullconn|minconn)'"), "balancing"),
            Map.entry(Pattern.compile("'(ssl|verify|crt|crt-base|ssl-[a-z-]+|tune\\.ssl\\.[a-z-]+)'|fetch 'ssl_[a-z_]+'"),
                    "tls"),
            Map.entry(Pattern.compile("HTTP/2 is not supported"), "http2"),
            Map.entry(Pattern.compile("is read, but Sluice"), "routing"),
            Map.entry(Pattern.compile("HAProxy removed it"), "legacy"),
            Map.entry(Pattern.compile("'(timeout (tunnel|client-fin|server-fin)|option http-server-close|errorfile|"
                    + "redirect [a-z]+|http-request [a-z-]+|http-response [a-z-]+|http-after-response [a-z-]+|"
                    + "compression [a-z]+|option http-ignore-probes|option abortonclose|option forwardfor)'|fetch '|"
                    + "log-format expressions|was refused at line"), "http"));

    private static String family(String message) {
        for (Map.Entry<Pattern, String> family : FAMILIES) {
            if (family.getKey().matcher(message).find()) {
                return family.getValue();
            }
        }
        return "other";
    }

    /** Every file of the corpus, by name, with its text. */
    private static Map<String, String> corpus() throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> own = Files.list(OWN)) {
            for (Path p : own.filter(p -> p.toString().endsWith(".cfg")).sorted().toList()) {
                files.put(p.getFileName().toString(), Files.readString(p));
            }
        }
        requireHaproxyPackage();
        files.put("debian:haproxy.cfg", Files.readString(DEBIAN_DEFAULT));
        try (Stream<Path> examples = Files.list(EXAMPLES)) {
            for (Path p : examples.filter(p -> p.toString().endsWith(".cfg")).sorted().toList()) {
                files.put("example:" + p.getFileName(), Files.readString(p));
            }
        }
        List<String> manual = manualExamples();
        files.put("manual-2.6:frontend-backend.cfg", manual.get(0));
        files.put("manual-2.6:listen.cfg", manual.get(1));
        return files;
    }

    /** HAProxy's files are Debian's package; without it the corpus is incomplete, and that must show. */
    private static void requireHaproxyPackage() {
        for (Path p : List.of(DEBIAN_DEFAULT, EXAMPLES, MANUAL)) {
            if (!Files.exists(p)) {
                fail(p + " is missing: the corpus needs Debian's package 'haproxy' (apt-get install haproxy)");
            }
        }
    }

    /** The two configurations of section 2.6 of HAProxy's manual, as installed, without their indentation. */
    private static List<String> manualExamples() throws IOException {
        String text;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(MANUAL))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int start = text.indexOf("\n2.6. Examples\n");
        int end = text.indexOf("Assuming haproxy is in $PATH", start);
        assertTrue(start > 0 && end > start, "section 2.6 of the manual has moved");
        List<String> examples = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.substring(start, end).split("\n")) {
            if (!line.startsWith("    ")) {
                continue;
            }
            String body = line.substring(4);
            if (body.startsWith("# The same configuration") && current.length() > 0) {
                examples.add(current.toString());
                current.setLength(0);
            }
            if (!body.startsWith("#")) {
                current.append(body).append('\n');
            }
        }
        examples.add(current.toString());
        assertEquals(2, examples.size(), "section 2.6 of the manual should hold two configurations");
        return examples;
    }

    /** Sluice's verdict on one file: the outcome and the families of all its refusals. */
    private static Expected check(String name, String text) {
        try {
            Config config = ConfigParser.parse(name, text);
            return new Expected(config.hasListener() ? "valid" : "no listener", Set.of());
        } catch (ConfigException e) {
            Set<String> families = new TreeSet<>();
            e.messages().forEach(m -> families.add(family(m)));
            return new Expected(e.getMessage(), families);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyFileHasTheOutcomeTheTableExpects() throws IOException {
        Map<String, String> corpus = corpus();
        assertEquals(new TreeSet<>(EXPECTED.keySet()), new TreeSet<>(corpus.keySet()),
                "every file of the corpus has an entry in EXPECTED, and every entry a file");
        return corpus.entrySet().stream().map(file -> DynamicTest.dynamicTest(file.getKey(), () -> {
            Expected actual = check(file.getKey(), file.getValue());
            Expected expected = EXPECTED.get(file.getKey());
            assertEquals(expected.outcome(), actual.outcome(), file.getKey() + ": the first line Sluice refuses");
            assertEquals(new TreeSet<>(expected.waitsFor()), new TreeSet<>(actual.waitsFor()), file.getKey()
                    + ": the families it waits for");
        }));
    }

    @Test
    void theCorpusHoldsAtLeastTwentyRealConfigurations() throws IOException {
        assertTrue(corpus().size() >= 20, "corpus size " + corpus().size());
    }

    @Test
    void haproxyItselfAcceptsEveryFileWrittenForTheCorpusButTheLegacyOnes() throws Exception {
        requireHaproxyPackage();
        try (Stream<Path> own = Files.list(OWN)) {
            for (Path p : own.filter(p -> p.toString().endsWith(".cfg")).sorted().toList()) {
                Process haproxy = new ProcessBuilder("haproxy", "-c", "-f", p.toString()).redirectErrorStream(true)
                        .start();
                String out = new String(haproxy.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(haproxy.waitFor(30, TimeUnit.SECONDS), "haproxy -c did not end on " + p);
                boolean valid = haproxy.exitValue() == 0;
                String name = p.getFileName().toString();
                assertEquals(!HAPROXY_REFUSES.contains(name), valid, name + ": haproxy -c said\n" + out);
            }
        }
    }

    @Test
    void theFamilyOfARefusalIsReadFromTheKeywordItNames() {
        assertEquals("logs", family("f:1: 'option httplog' is not supported by Sluice: ..."));
        assertEquals("checks", family("f:1: server s: 'check' is not supported by Sluice: ..."));
        assertEquals("stats", family("f:1: 'stats uri' is not supported by Sluice"));
        assertEquals("runtime", family("f:1: 'stats socket' is not supported by Sluice"));
        assertEquals("other", family("f:1: 'strict-limits' is not supported by Sluice"));
    }
}
