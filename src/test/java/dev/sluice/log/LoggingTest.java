package dev.sluice.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The whole path, loop to writer thread to a real UDP or UNIX datagram receiver. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoggingTest {
    /** Lines.served() in httplog, its date in this JVM's zone (LogFormatTest checks the text itself). */
    private static final String HTTPLOG_BODY = localBody();
    private static final SyslogIdentity IDENTITY = new SyslogIdentity("sluice", 4321, null);

    private final List<DatagramSocket> receivers = new ArrayList<>();
    private Logging logging;

    @TempDir
    Path dir;

    private static String localBody() {
        LineBuilder line = new LineBuilder(2048, LocalOffset.system(), 1, "h");
        line.start(2048);
        LogFormat.httplog(LogMode.HTTP).format(Lines.served(), line, 0);
        return new String(line.bytes, 0, line.length(), StandardCharsets.ISO_8859_1);
    }

    @AfterEach
    void close() {
        if (logging != null) {
            logging.close();
        }
        receivers.forEach(DatagramSocket::close);
    }

    private DatagramSocket receiver() throws Exception {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        s.setSoTimeout(5000);
        receivers.add(s);
        return s;
    }

    private static LogTarget target(DatagramSocket receiver, String options) throws LogConfigException {
        List<String> words = new ArrayList<>();
        words.add("127.0.0.1:" + receiver.getLocalPort());
        words.addAll(Arrays.asList(options.split(" ")));
        return LogTarget.parse(words);
    }

    private static String receive(DatagramSocket s) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[70000], 70000);
        s.receive(p);
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1);
    }

    private static String nothing(DatagramSocket s) throws Exception {
        s.setSoTimeout(300);
        try {
            return receive(s);
        } catch (SocketTimeoutException e) {
            return null;
        } finally {
            s.setSoTimeout(5000);
        }
    }

    @Test
    void anHttplogLineReachesAUdpReceiverWithEachHeaderFormat() throws Exception {
        String[] formats = {"local", "rfc3164", "rfc5424", "priority", "short", "timed", "iso", "raw"};
        List<DatagramSocket> sockets = new ArrayList<>();
        List<LogTarget> targets = new ArrayList<>();
        for (String f : formats) {
            DatagramSocket s = receiver();
            sockets.add(s);
            targets.add(target(s, "format " + f + " local0"));
        }
        Logging.Builder b = Logging.builder(IDENTITY);
        ProxyLog fe = b.proxy("fe1", LogFormat.httplog(LogMode.HTTP), targets, Set.of());
        logging = b.start(1);
        assertTrue(logging.loop(0).log(fe, Lines.served()));
        String date = "[A-Z][a-z]{2} [ 0-9]\\d \\d\\d:\\d\\d:\\d\\d";
        String iso = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}000[+-]\\d\\d:\\d\\d";
        String[] headers = {
            "<134>" + date + " sluice\\[4321\\]: ", "<134>" + date + " localhost sluice\\[4321\\]: ",
            "<134>1 " + iso + " - sluice 4321 - - ", "<134>", "<6>", "<6>" + iso + " ", iso + " ", "",
        };
        for (int i = 0; i < formats.length; i++) {
            String got = receive(sockets.get(i));
            assertTrue(Pattern.matches(headers[i] + Pattern.quote(HTTPLOG_BODY) + "\n", got), formats[i] + ": " + got);
        }
    }

    @Test
    void aSentHostNameAppearsInRfc3164AndRfc5424AndMakesRfc3164TheDefault() throws Exception {
        DatagramSocket plain = receiver();
        DatagramSocket rfc5424 = receiver();
        Logging.Builder b = Logging.builder(IDENTITY.withHostname("edge1"));
        ProxyLog fe = b.proxy("fe1", LogFormat.httplog(LogMode.HTTP),
                List.of(target(plain, "local0"), target(rfc5424, "format rfc5424 local0")), Set.of());
        logging = b.start(1);
        logging.loop(0).log(fe, Lines.served());
        assertTrue(receive(plain).matches("<134>... .. ..:..:.. edge1 sluice\\[4321\\]: 127\\.0\\.0\\.1:49960 .*\n"));
        assertTrue(receive(rfc5424).matches("<134>1 \\S+ edge1 sluice 4321 - - 127\\.0\\.0\\.1:49960 .*\n"));
    }

    @Test
    void aFrontendsOwnTagReplacesTheProcesssInItsHeaders() throws Exception {
        DatagramSocket s = receiver();
        Logging.Builder b = Logging.builder(IDENTITY);
        ProxyLog tagged = b.proxy("fe1", LogFormat.compile("x", LogMode.HTTP), List.of(target(s, "local0")),
                Set.of(), "web");
        ProxyLog plain = b.proxy("fe2", LogFormat.compile("y", LogMode.HTTP), List.of(target(s, "local0")), Set.of());
        logging = b.start(1);
        logging.loop(0).log(tagged, Lines.served());
        assertTrue(receive(s).matches("<134>... .. ..:..:.. web\\[4321\\]: x\n"));
        logging.loop(0).log(plain, Lines.served());
        assertTrue(receive(s).matches("<134>... .. ..:..:.. sluice\\[4321\\]: y\n"));
    }

    @Test
    void lenCutsTheWholeLineHeaderIncludedBeforeTheNewline() throws Exception {
        DatagramSocket s = receiver();
        Logging.Builder b = Logging.builder(IDENTITY);
        ProxyLog fe = b.proxy("fe1", LogFormat.httplog(LogMode.HTTP), List.of(target(s, "len 80 local0")), Set.of());
        logging = b.start(1);
        logging.loop(0).log(fe, Lines.served());
        String got = receive(s);
        String header = got.substring(0, got.indexOf("127.0.0.1:"));
        assertEquals(header + HTTPLOG_BODY.substring(0, 80 - header.length()) + "\n", got);
    }

    @Test
    void levelsFilterAndMinlevelCaps() throws Exception {
        DatagramSocket errorsOnly = receiver();
        DatagramSocket capped = receiver();
        Logging.Builder b = Logging.builder(IDENTITY);
        ProxyLog fe = b.proxy("fe1", LogFormat.httplog(LogMode.HTTP),
                List.of(target(errorsOnly, "format short local0 err"), target(capped, "format short local0 debug"
                        + " warning")), EnumSet.of(LogOption.LOG_SEPARATE_ERRORS));
        logging = b.start(1);
        LoopLog log = logging.loop(0);
        log.log(fe, Lines.served());
        assertEquals("<6>" + HTTPLOG_BODY + "\n", receive(capped), "info is less severe than warning: unchanged");
        assertNull(nothing(errorsOnly), "an info line is not sent to a target that takes err and above");
        LogRecord failed = Lines.served();
        failed.status(503);
        log.log(fe, failed);
        assertTrue(receive(errorsOnly).startsWith("<3>127.0.0.1:49960"), "a 5xx is an error: err");
        assertTrue(receive(capped).startsWith("<4>127.0.0.1:49960"), "err is more severe than warning: lowered to it");
    }

    @Test
    void logSeparateErrorsRaisesFailedSessionsToErr() throws Exception {
        DatagramSocket s = receiver();
        Logging.Builder b = Logging.builder(IDENTITY);
        ProxyLog separate = b.proxy("fe1", LogFormat.httplog(LogMode.HTTP), List.of(target(s, "format short local0")),
                EnumSet.of(LogOption.LOG_SEPARATE_ERRORS));
        ProxyLog plain = b.proxy("fe2", LogFormat.httplog(LogMode.HTTP), List.of(target(s, "format short local0")),
                Set.of());
        logging = b.start(1);
        LoopLog log = logging.loop(0);
        LogRecord r = Lines.served();
        r.termination(TerminationCause.LOCAL, TerminationPhase.REQUEST);
        log.log(separate, r);
        assertTrue(receive(s).startsWith("<6>"), "a local answer (L) is not an error");
        r.termination(TerminationCause.CLIENT_ABORT, TerminationPhase.DATA);
        log.log(separate, r);
        assertTrue(receive(s).startsWith("<3>"), "a client abort is");
        r.termination(TerminationCause.NONE, TerminationPhase.NONE);
        r.retries(1);
        log.log(separate, r);
        assertTrue(receive(s).startsWith("<3>"), "a retry is");
        log.log(plain, r);
        assertTrue(receive(s).startsWith("<6>"), "without the option, info");
    }

    @Test
    void dontlognullAndDontlogNormalLeaveLinesOut() throws Exception {
        DatagramSocket s = receiver();
        Logging.Builder b = Logging.builder(IDENTITY);
        ProxyLog nonull = b.proxy("fe1", LogFormat.compile("null %U", LogMode.HTTP),
                List.of(target(s, "format raw local0")), EnumSet.of(LogOption.DONTLOGNULL));
        ProxyLog nonormal = b.proxy("fe2", LogFormat.compile("normal %ST %ts", LogMode.HTTP),
                List.of(target(s, "format raw local0")), EnumSet.of(LogOption.DONTLOG_NORMAL));
        logging = b.start(1);
        LoopLog log = logging.loop(0);
        LogRecord r = Lines.served();
        r.bytesFromClient(0);
        assertFalse(log.log(nonull, r));
        r.bytesFromClient(1);
        assertTrue(log.log(nonull, r));
        assertEquals("null 1\n", receive(s));
        assertFalse(log.log(nonormal, r));
        r.termination(TerminationCause.LOCAL, TerminationPhase.REQUEST);
        assertFalse(log.log(nonormal, r), "a local answer is normal");
        r.termination(TerminationCause.SERVER_TIMEOUT, TerminationPhase.HEADERS);
        assertTrue(log.log(nonormal, r));
        assertEquals("normal 200 sH\n", receive(s));
        assertEquals(3, log.skipped());
        assertNull(nothing(s));
    }

    @Test
    void aRefusalIsAnEventLineAtItsLevel() throws Exception {
        DatagramSocket s = receiver();
        Logging.Builder b = Logging.builder(IDENTITY);
        ProxyLog fe = b.proxy("fe1", LogFormat.httplog(LogMode.HTTP), List.of(target(s, "format short local0")),
                Set.of());
        logging = b.start(1);
        LogRecord r = Lines.served();
        r.status(400);
        assertTrue(logging.loop(0).refused(fe, r, LogLevel.WARNING, "invalid header name"));
        assertEquals("<4>" + HTTPLOG_BODY.substring(0, HTTPLOG_BODY.indexOf(']') + 1) + " fe1: 400 invalid header name\n",
                receive(s));
        assertTrue(logging.loop(0).event(fe, LogLevel.ALERT, "Server be1/srv1 is DOWN"));
        assertEquals("<1>Server be1/srv1 is DOWN\n", receive(s));
    }

    @Test
    void refusalsOfTheClientAreWarningsAndThoseOfServersOrSluiceErrors() {
        assertEquals(LogLevel.WARNING, LoopLog.refusalLevel(400));
        assertEquals(LogLevel.WARNING, LoopLog.refusalLevel(408));
        assertEquals(LogLevel.ERR, LoopLog.refusalLevel(500));
        assertEquals(LogLevel.ERR, LoopLog.refusalLevel(503));
    }

    @Test
    void withoutTargetsNothingIsFormattedAndNoThreadStarts() throws Exception {
        Logging.Builder b = Logging.builder(IDENTITY);
        ProxyLog fe = b.proxy("fe1", LogFormat.httplog(LogMode.HTTP), List.of(), Set.of());
        long threadsBefore = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("sluice-log-writer")).count();
        logging = b.start(2);
        long threadsAfter = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("sluice-log-writer")).count();
        assertEquals(threadsBefore, threadsAfter);
        assertFalse(logging.loop(1).log(fe, Lines.served()));
        assertEquals(0, logging.linesQueued());
    }

    @Test
    void aFrontendsRecordsKeepAsMuchOfTheRequestLineAsItsTargetsCanShow() throws Exception {
        DatagramSocket s = receiver();
        Logging.Builder b = Logging.builder(IDENTITY);
        ProxyLog small = b.proxy("fe1", LogFormat.compile("%r", LogMode.HTTP), List.of(target(s, "len 100 local0")),
                Set.of());
        ProxyLog large = b.proxy("fe2", LogFormat.compile("%r", LogMode.HTTP), List.of(target(s, "len 8000 local0")),
                Set.of());
        ProxyLog none = b.proxy("fe3", LogFormat.compile("%r", LogMode.HTTP), List.of(), Set.of());
        logging = b.start(1);
        LogRecord r = small.newRecord();
        r.request("GET", "/" + "a".repeat(500), "HTTP/1.1");
        assertEquals(100, r.requestLineLength());
        r = large.newRecord();
        r.request("GET", "/" + "a".repeat(5000), "HTTP/1.1");
        assertEquals(LogRecord.DEFAULT_REQUEST_LINE_LENGTH, r.requestLineLength());
        r = none.newRecord();
        r.request("GET", "/" + "a".repeat(500), "HTTP/1.1");
        assertEquals(LogRecord.MIN_REQUEST_LINE_LENGTH, r.requestLineLength());
    }

    @Test
    void processEventsGoToTheGlobalTargets() throws Exception {
        DatagramSocket global = receiver();
        DatagramSocket frontend = receiver();
        Logging.Builder b = Logging.builder(IDENTITY).global(List.of(target(global, "format raw daemon")));
        b.proxy("fe1", LogFormat.httplog(LogMode.HTTP), List.of(target(frontend, "format raw local0")), Set.of());
        logging = b.start(2);
        assertTrue(logging.process(LogLevel.NOTICE, "Proxy fe1 started."));
        assertEquals("Proxy fe1 started.\n", receive(global));
        assertNull(nothing(frontend));
    }

    @Test
    void aFullRingDropsLinesAndTheWriterLogsHowMany() throws Exception {
        DatagramSocket s = receiver();
        Logging.Builder b = Logging.builder(IDENTITY).ringBytes(4096);
        ProxyLog fe = b.proxy("fe1", LogFormat.httplog(LogMode.HTTP), List.of(target(s, "format raw local0")),
                Set.of());
        logging = b.start(1, Logging.WriterThread.NOT_STARTED);
        LoopLog log = logging.loop(0);
        int queued = 0;
        for (int i = 0; i < 40; i++) {
            if (log.log(fe, Lines.served())) {
                queued++;
            }
        }
        int entry = (LogRing.ENTRY_HEAD + HTTPLOG_BODY.length() + 7) / 8 * 8;
        assertEquals(4096 / entry, queued, "the ring holds as many entries as fit in 4096 bytes");
        assertEquals(40 - queued, log.dropped());
        assertEquals(40 - queued, logging.linesDropped());
        assertEquals(4096L * 2, logging.ringBytes(), "one ring for the loop, one for the process");
        logging.writer().drainAll();
        logging.writer().reportDrops(true);
        for (int i = 0; i < queued; i++) {
            assertEquals(HTTPLOG_BODY + "\n", receive(s));
        }
        assertEquals((40 - queued) + " lines dropped: the log ring of loop 0 was full\n", receive(s));
        logging.writer().reportDrops(true);
        assertNull(nothing(s), "a drop is reported once");
        assertEquals(queued, logging.linesWritten());
    }

    @Test
    void closeWritesEveryQueuedLineBeforeStopping() throws Exception {
        DatagramSocket s = receiver();
        s.setReceiveBufferSize(1 << 20);
        Logging.Builder b = Logging.builder(IDENTITY);
        ProxyLog fe = b.proxy("fe1", LogFormat.compile("line %rt", LogMode.HTTP),
                List.of(target(s, "format raw local0")), Set.of());
        logging = b.start(1);
        LogRecord r = Lines.served();
        for (int i = 0; i < 500; i++) {
            r.requestCounter(i);
            assertTrue(logging.loop(0).log(fe, r));
        }
        logging.close();
        for (int i = 0; i < 500; i++) {
            assertEquals("line " + i + "\n", receive(s));
        }
        assertEquals(500, logging.linesWritten());
        logging = null;
    }

    @Test
    void linesReachAUnixDatagramSocket() throws Exception {
        String path = dir.resolve("log.sock").toString();
        try (UnixDatagramSocket receiver = UnixDatagramSocket.open(70000)) {
            receiver.bind(path);
            Logging.Builder b = Logging.builder(IDENTITY);
            ProxyLog fe = b.proxy("fe1", LogFormat.httplog(LogMode.HTTP),
                    List.of(LogTarget.parse(List.of(path, "format", "rfc5424", "local0"))), Set.of());
            logging = b.start(1);
            logging.loop(0).log(fe, Lines.served());
            byte[] into = new byte[70000];
            int n = receiver.receive(into, 5000);
            String got = new String(into, 0, n, StandardCharsets.ISO_8859_1);
            assertTrue(got.matches("<134>1 \\S+ - sluice 4321 - - " + Pattern.quote(HTTPLOG_BODY) + "\n"), got);
        }
    }

    @Test
    void aTargetNobodyListensOnCountsFailuresAndTheOthersStillGetTheirLines() throws Exception {
        DatagramSocket s = receiver();
        Logging.Builder b = Logging.builder(IDENTITY);
        ProxyLog fe = b.proxy("fe1", LogFormat.httplog(LogMode.HTTP),
                List.of(LogTarget.parse(List.of(dir.resolve("none.sock").toString(), "local0")),
                        target(s, "format raw local0")), Set.of());
        logging = b.start(1);
        logging.loop(0).log(fe, Lines.served());
        assertEquals(HTTPLOG_BODY + "\n", receive(s));
        assertEquals(1, logging.sendFailures());
    }
}
