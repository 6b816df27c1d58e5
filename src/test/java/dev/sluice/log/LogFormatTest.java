package dev.sluice.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.buffer.Criticality;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The formats write what HAProxy 2.6 writes for the same values; the expected
 * lines are HAProxy's own output, values aside (HaproxyLogCompatibilityTest holds
 * the live comparison).
 */
class LogFormatTest {
    @Test
    void httplogWritesHaproxysLayout() {
        assertEquals("127.0.0.1:49960 [04/Dec/2026:01:39:14.994] fe1 be1/srv1 10/1/2/3/20 200 58 - - ---- 1/1/0/0/0"
                + " 0/0 \"GET /a/b?c=d HTTP/1.1\"", Lines.format(LogFormat.httplog(LogMode.HTTP), Lines.served()));
    }

    @Test
    void httplogClfQuotesStringsButNotNumbersDatesOrFlags() {
        assertEquals("127.0.0.1 - - [04/Dec/2026:01:39:14 +0000] \"GET /a/b?c=d HTTP/1.1\" 200 58 \"\" \"\" 49960"
                + " 994 \"fe1\" \"be1\" \"srv1\" 10 1 2 3 20 ---- 1 1 0 0 0 0 0 \"\" \"\" ",
                Lines.format(LogFormat.httplogClf(LogMode.HTTP), Lines.served()));
    }

    @Test
    void tcplogWritesWaitConnectAndTotalTimes() {
        LogRecord r = new LogRecord();
        r.accepted(0, Lines.DATE);
        r.queueLeft(1_000_000);
        r.connected(1_500_000);
        r.ended(5_007_000_000L);
        r.clientIpv4(0x0A000102, 33313);
        r.frontend("fnt");
        r.backend("bck");
        r.server("srv1");
        r.bytesToClient(212);
        r.retries(3);
        assertEquals("10.0.1.2:33313 [04/Dec/2026:01:39:14.994] fnt bck/srv1 1/0/5007 212 -- 0/0/0/0/3 0/0",
                Lines.format(LogFormat.tcplog(LogMode.TCP), r));
    }

    @Test
    void tlsVariablesAndTheTransportNameShowWhatTheHandshakeAgreed() throws Exception {
        LogRecord r = new LogRecord();
        r.accepted(0, Lines.DATE);
        r.ended(0);
        r.frontend("www");
        LogFormat f = LogFormat.compile("%ft %sslv %sslc %{+Q}sslv", LogMode.TCP);
        assertEquals("www - - \"\"", Lines.format(f, r));
        r.frontendTransport("www~");
        r.tls("ECDHE-RSA-AES128-GCM-SHA256", "TLSv1.2");
        assertEquals("www~ TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 \"TLSv1.2\"", Lines.format(f, r));
    }

    @Test
    void httplogInTcpModeFallsBackToTcplog() {
        assertEquals(LogFormat.TCPLOG, LogFormat.httplog(LogMode.TCP).text());
    }

    @Test
    void aRequestRefusedBeforeAServerShowsNosrvAndMinusOneTimers() {
        LogRecord r = new LogRecord();
        r.accepted(0, Lines.DATE);
        r.requestStarted(0);
        r.requestReady(0);
        r.ended(0);
        r.clientIpv4(0x7F000001, 57148);
        r.frontend("fe1");
        r.status(403);
        r.bytesToClient(192);
        r.termination(TerminationCause.PROXY, TerminationPhase.REQUEST);
        r.connections(1, 1, 0, 0);
        r.request("GET", "/deny", "HTTP/1.1");
        assertEquals("127.0.0.1:57148 [04/Dec/2026:01:39:14.994] fe1 fe1/<NOSRV> 0/-1/-1/-1/0 403 192 - - PR--"
                + " 1/1/0/0/0 0/0 \"GET /deny HTTP/1.1\"", Lines.format(LogFormat.httplog(LogMode.HTTP), r));
    }

    @Test
    void aRequestThatNeverCameIsBadreqWithTimersFromTheAccept() {
        LogRecord r = new LogRecord();
        r.accepted(0, Lines.DATE);
        r.ended(1_001_400_000L);
        r.clientIpv4(0x7F000001, 57162);
        r.frontend("fe1");
        r.status(408);
        r.termination(TerminationCause.CLIENT_TIMEOUT, TerminationPhase.REQUEST);
        r.connections(1, 1, 0, 0);
        assertEquals("127.0.0.1:57162 [04/Dec/2026:01:39:14.994] fe1 fe1/<NOSRV> -1/-1/-1/-1/1001 408 0 - - cR--"
                + " 1/1/0/0/0 0/0 \"<BADREQ>\"", Lines.format(LogFormat.httplog(LogMode.HTTP), r));
    }

    @Test
    void everyRequestPartIsBadreqWithoutARequest() {
        LogRecord r = Lines.served();
        r.reset();
        assertEquals("<BADREQ>|\"<BADREQ>\"|<BADREQ>|<BADREQ>|<BADREQ>|<BADREQ>|\"<BADREQ>\"|<BADREQ>",
                Lines.format(Lines.compile("%{+E}r|%{+Q,+E}HU|%HU|%HP|%HQ|%HPO|%{+Q}HV|%HM"), r));
    }

    @Test
    void requestPartsSplitAtTheQueryString() {
        assertEquals("GET|/a/b?c=d|/a/b|/a/b|?c=d|HTTP/1.1", Lines.format(Lines.compile("%HM|%HU|%HP|%HPO|%HQ|%HV"),
                Lines.served()));
        LogRecord r = Lines.served();
        r.request("GET", "http://example.com:80/x/y?q", "HTTP/1.1");
        assertEquals("http://example.com:80/x/y|/x/y|?q", Lines.format(Lines.compile("%HP|%HPO|%HQ"), r));
        r.request("GET", "/plain", "HTTP/1.1");
        assertEquals("/plain||\"\"", Lines.format(Lines.compile("%HP|%HQ|%{+Q}HQ"), r));
    }

    @Test
    void requestTextEncodesUnprintableBytesQuotesAndHashes() {
        LogRecord r = Lines.served();
        r.request("GET", "/a\"b#c{d|e}\u007f\u00e9\u0001", "HTTP/1.1");
        assertEquals("GET /a#22b#23c{d|e}#7F#E9#01 HTTP/1.1", Lines.format(Lines.compile("%r"), r));
    }

    @Test
    void escapeFlagBackslashesBackslashAndClosingBracket() {
        LogRecord r = Lines.served();
        r.request("GET", "/a\\\\b]c\"", "HTTP/1.1");
        assertEquals("GET /a\\\\\\\\b\\]c#22 HTTP/1.1|\"/a\\\\\\\\b\\]c#22\"|\"GET /a\\\\b]c#22 HTTP/1.1\"",
                Lines.format(Lines.compile("%{+E}r|%{+Q,+E}HU|%{+Q}r"), r));
    }

    @Test
    void spacesCollapseAndAnEmptyVariableLeavesNoGap() {
        LogRecord r = Lines.served();
        assertEquals("127.0.0.1 x y ", Lines.format(Lines.compile("  %ci  x  %hr  %hs  y "), r));
        assertEquals("127.0.0.1", Lines.format(Lines.compile("%hr %ci"), r));
        assertEquals("a b", Lines.format(Lines.compile("a%hr b"), r));
        assertEquals("%|%127.0.0.1|100%", Lines.format(Lines.compile("%%|%%%ci|100%%"), r));
        assertEquals("127.0.0.1_a", Lines.format(Lines.compile("%ci_a"), r));
    }

    @Test
    void quoteFlagQuotesStringsAndAbsentValuesOnly() {
        LogRecord r = Lines.served();
        assertEquals("\"?c=d\"|\"\"||\"\"|\"srv1\"|04/Dec/2026:01:39:14.994|--|1796348354|200|\"127.0.0.1\"|49960",
                Lines.format(Lines.compile("%{+Q}HQ|%{+Q}ID|%{+Q}hr|%{+Q}CC|%{+Q}s|%{+Q}t|%{+Q}ts|%{+Q}Ts|%{+Q}ST"
                        + "|%{+Q}ci|%{+Q}cp"), r));
        assertEquals("- -", Lines.format(Lines.compile("%ID %CC"), r));
        assertEquals("\"\" -", Lines.format(Lines.compile("%{+Q}o %hrl %hsl %CC %{-Q}CC"), r));
    }

    @Test
    void hexFlagWritesAddressesPortsAndCountersInHexadecimal() {
        LogRecord r = Lines.served();
        r.frontendAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 52347));
        assertEquals("7F000001 C328 7F000001 CC7B 6B1219C2 0000 1092 200 58 srv1",
                Lines.format(Lines.compile("%{+X}o %ci %cp %fi %fp %Ts %rt %pid %ST %B %s"), r));
        assertEquals("7F000001", Lines.format(Lines.compile("%{+Q,+X}ci"), r));
    }

    @Test
    void datesComeInHaproxysFourShapes() {
        LogRecord r = Lines.served();
        assertEquals("04/Dec/2026:01:39:14.994|04/Dec/2026:01:39:14 +0000|04/Dec/2026:01:39:14 +0000|994|1796348354",
                Lines.format(Lines.compile("%t|%T|%Tl|%ms|%Ts"), r));
        r.requestStarted(1_250_000_000L);
        assertEquals("04/Dec/2026:01:39:15.244|04/Dec/2026:01:39:15 +0000|04/Dec/2026:01:39:15 +0000",
                Lines.format(Lines.compile("%tr|%trg|%trl"), r));
    }

    @Test
    void localDatesUseTheZoneOffset() {
        LineBuilder line = new LineBuilder(200, new LocalOffset(java.time.ZoneId.of("Europe/Paris")), 1, "h");
        line.start(200);
        Lines.compile("%t %Tl %T").format(Lines.served(), line, 0);
        assertEquals("04/Dec/2026:02:39:14.994 04/Dec/2026:02:39:14 +0100 04/Dec/2026:01:39:14 +0000",
                new String(line.bytes, 0, line.length(), StandardCharsets.US_ASCII));
    }

    @Test
    void timersFollowHaproxysDefinitions() {
        LogRecord r = new LogRecord();
        r.accepted(0, Lines.DATE);
        r.handshakeDone(2_000_000);
        r.requestStarted(7_000_000);
        r.requestReady(10_000_000);
        r.queueLeft(14_000_000);
        r.connected(19_000_000);
        r.responseReady(25_000_000);
        r.ended(40_000_000);
        assertEquals("Th=2 Ti=5 TR=3 Tq=10 Tw=4 Tc=5 Tr=6 Ta=33 Tt=40 Td=15 Tu=35",
                Lines.format(Lines.compile("Th=%Th Ti=%Ti TR=%TR Tq=%Tq Tw=%Tw Tc=%Tc Tr=%Tr Ta=%Ta Tt=%Tt Td=%Td"
                        + " Tu=%Tu"), r));
    }

    @Test
    void bufferWaitsAreLoggedInMillisecondsPerClassAndInTotal() {
        LogRecord r = Lines.served();
        r.bufferWaited(Criticality.NORMAL, 7_500_000);
        r.bufferWaited(Criticality.NORMAL, 2_600_000);
        r.bufferWaited(Criticality.URGENT, 3_000_000);
        r.bufferWaited(Criticality.CRITICAL, 1_000_000);
        assertEquals("14 1 3 10", Lines.format(Lines.compile("%Tb %Tbc %Tbu %Tbn"), r));
    }

    @Test
    void restOfTheVariablesHaveHaproxysMeanings() {
        LogRecord r = Lines.served();
        r.serverAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 8000));
        r.sourceAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 41000));
        r.frontendAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 80));
        r.uniqueId("abc-1");
        r.requestCounter(12);
        r.queuePositions(3, 4);
        r.termination(TerminationCause.SERVER_TIMEOUT, TerminationPhase.HEADERS);
        assertEquals("f=fe1 ft=fe1 b=be1 s=srv1 si=127.0.0.1 sp=8000 bi=127.0.0.1 bp=41000 fi=127.0.0.1 fp=80"
                + " ID=abc-1 rt=12 lc=7 pid=4242 H=vm U=45 sq=3 bq=4 ts=sH tsc=sH--",
                Lines.format(Lines.compile("f=%f ft=%ft b=%b s=%s si=%si sp=%sp bi=%bi bp=%bp fi=%fi fp=%fp ID=%ID"
                        + " rt=%rt lc=%lc pid=%pid H=%H U=%U sq=%sq bq=%bq ts=%ts tsc=%tsc"), r));
    }

    @Test
    void ipv6AddressesAreWrittenAsInetNtopDoes() {
        LogRecord r = Lines.served();
        String[][] cases = {
            {"::1", "::1"}, {"2001:db8::1", "2001:db8::1"}, {"2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"},
            {"2001:0:0:1:0:0:1:1", "2001::1:0:0:1:1"}, {"1:0:2:0:3:0:4:0", "1:0:2:0:3:0:4:0"},
            {"::", "::"}, {"fe80::", "fe80::"}, {"::ffff:a01:203", "::ffff:10.1.2.3"},
            {"::a01:203", "::10.1.2.3"},
        };
        for (String[] c : cases) {
            try {
                byte[] bytes = mapped(c[0]);
                r.client(new InetSocketAddress(java.net.Inet6Address.getByAddress(null, bytes, null), 1));
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            assertEquals(c[1], Lines.format(Lines.compile("%ci"), r), c[0]);
        }
    }

    /** The 16 bytes of an IPv6 text, even for the IPv4-mapped ones the JDK turns into IPv4. */
    private static byte[] mapped(String text) throws java.io.IOException {
        if (text.startsWith("::ffff:")) {
            byte[] v4 = InetAddress.getByName("::" + text.substring(7)).getAddress();
            v4[10] = (byte) 0xFF;
            v4[11] = (byte) 0xFF;
            return v4;
        }
        return InetAddress.getByName(text).getAddress();
    }

    @Test
    void aRequestLineCopiedFromABufferIsRebuiltWithSingleSpaces() {
        ByteBuffer buffer = ByteBuffer.wrap("xxGET  /x  HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
        LogRecord r = Lines.served();
        r.request(buffer, 2, 3, 7, 2, 11, 8);
        assertEquals("\"GET /x HTTP/1.1\"", Lines.format(Lines.compile("%{+Q}r"), r));
        assertEquals(0, buffer.position());
    }

    @Test
    void aLongUriIsCutToTheRecordsRoom() {
        LogRecord r = new LogRecord(32);
        r.request("GET", "/" + "a".repeat(100), "HTTP/1.1");
        String line = Lines.format(Lines.compile("%r"), r);
        assertEquals("GET /" + "a".repeat(20) + " HTTP/1.1", line);
    }

    @Test
    void aLineLongerThanItsLimitIsCut() {
        LineBuilder line = Lines.builder();
        line.start(20);
        LogFormat.httplog(LogMode.HTTP).format(Lines.served(), line, 0);
        assertEquals("127.0.0.1:49960 [04/", new String(line.bytes, 0, line.length(), StandardCharsets.US_ASCII));
    }

    @Test
    void badFormatsAreRefusedWithHaproxysReasons() {
        assertRefused("%cix", "no such format variable 'cix'");
        assertRefused("%ci9", "no such format variable 'ci9'");
        assertRefused("%", "truncated line after '%'");
        assertRefused("a%", "truncated line after '%'");
        assertRefused("%{+Q", "a '}' is missing");
        assertRefused("%{+Q}", "expected a variable name");
        assertRefused("%{+Q}%ci", "expected a variable name");
        assertRefused("%{+Z}ci", "unknown flag 'Z'");
        assertRefused("%{Q}ci", "expected a flag such as +Q");
        // Without a compiler of samples (the configuration gives one), %[...] is refused.
        assertRefused("%[src]", "sample expressions (%[...]) are not supported by Sluice here");
        assertRefused("%{+Q}[src]", "sample expressions");
        LogConfigException e = assertThrows(LogConfigException.class, () -> LogFormat.compile("%ci %r", LogMode.TCP));
        assertTrue(e.getMessage().contains("format variable 'r' is reserved for HTTP mode"), e.getMessage());
        for (String httpOnly : new String[] {"CC", "CS", "HM", "HP", "HPO", "HQ", "HU", "HV", "Ta", "Ti", "Tq", "TR",
                "Tr", "r", "tr", "trg", "trl", "tsc"}) {
            assertThrows(LogConfigException.class, () -> LogFormat.compile("%" + httpOnly, LogMode.TCP), httpOnly);
        }
    }

    private static void assertRefused(String format, String reason) {
        LogConfigException e = assertThrows(LogConfigException.class, () -> LogFormat.compile(format, LogMode.HTTP));
        assertTrue(e.getMessage().contains(reason), format + ": " + e.getMessage());
    }
}
