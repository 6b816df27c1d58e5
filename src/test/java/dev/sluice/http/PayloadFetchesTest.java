package dev.sluice.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.buffer.Buffer;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The payload fetches of mode tcp on real ClientHellos made by the JDK's
 * client engine ({@code req.ssl_hello_type}, {@code req.ssl_sni}, {@code req.len}),
 * cut at every length to see each answer wait ({@link Acl#MISS}) until the
 * record is whole, and the three-valued logic of conditions and content rules
 * over them.
 */
class PayloadFetchesTest {
    /** The first record a JDK client sends: its ClientHello, naming {@code sni} (none when null). */
    static byte[] clientHello(String sni, String... protocols) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        SSLEngine engine = sni == null ? context.createSSLEngine() : context.createSSLEngine(sni, 443);
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        if (sni != null) {
            p.setServerNames(List.of(new SNIHostName(sni)));
        }
        if (protocols.length > 0) {
            p.setProtocols(protocols);
        }
        engine.setSSLParameters(p);
        return dev.sluice.net.TestCertificates.clientHello(engine);
    }

    private static AddressView view(byte[] bytes, boolean last) throws Exception {
        Buffer b = TestBytes.newBuffer();
        if (bytes.length > 0) {
            TestBytes.load(b, 3, bytes);
        }
        ConnectionAddresses a = new ConnectionAddresses().set(InetAddress.getLoopbackAddress(), 40000, null);
        return new AddressView(a).payload(bytes.length == 0 ? null : b, last);
    }

    private static Acl sni(AclMatch match, boolean ignoreCase, String... values) {
        return Acl.compile(Fetch.REQ_SSL_SNI, null, match, ignoreCase, List.of(values));
    }

    private static String name(byte[] hello) throws Exception {
        Buffer b = TestBytes.newBuffer();
        TestBytes.load(b, 3, hello);
        long at = TlsHello.serverName(b);
        return at < 0 ? Long.toString(at) : TestBytes.text(b, (int) (at >>> 32), (int) at);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void theServerNameOfAWholeClientHelloIsFoundAndEveryShorterCutWaits(String version) throws Exception {
        byte[] hello = clientHello("Shop.Example.test", version);
        assertEquals("Shop.Example.test", name(hello));
        Acl acl = sni(AclMatch.STR, true, "shop.example.test");
        for (int n = 0; n < hello.length; n++) {
            byte[] cut = Arrays.copyOf(hello, n);
            assertEquals(Acl.MISS, acl.evaluate(view(cut, false)), "cut at " + n);
            // Once the payload is final, a cut ClientHello names nothing.
            assertEquals(Acl.FAIL, acl.evaluate(view(cut, true)), "final cut at " + n);
        }
        assertEquals(Acl.PASS, acl.evaluate(view(hello, false)));
        assertEquals(Acl.FAIL, sni(AclMatch.STR, false, "shop.example.test").evaluate(view(hello, false)),
                "without -i the case counts");
        assertEquals(Acl.PASS, sni(AclMatch.END, true, ".example.test").evaluate(view(hello, false)));
        assertEquals(Acl.FAIL, sni(AclMatch.BEG, true, "www.").evaluate(view(hello, false)),
                "a whole hello that does not match fails for good");
    }

    @Test
    void aHelloWithoutServerNameAndBytesThatAreNoTlsNameNothingForGood() throws Exception {
        byte[] hello = clientHello(null);
        assertEquals(Long.toString(TlsHello.NONE), name(hello));
        assertEquals(Acl.FAIL, sni(AclMatch.FOUND, false).evaluate(view(hello, false)));
        byte[] http = "GET / HTTP/1.1\r\nHost: a.test\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(Acl.FAIL, sni(AclMatch.FOUND, false).evaluate(view(http, false)));
        assertEquals(Acl.FAIL, Acl.compile(Fetch.REQ_SSL_HELLO_TYPE, null, AclMatch.INT, false, List.of("1"))
                .evaluate(view(http, false)));
        // One byte already says it is no handshake record.
        assertEquals(Acl.FAIL, sni(AclMatch.FOUND, false).evaluate(view(new byte[] {'G'}, false)));
    }

    @Test
    void aLengthPastWhatARecordCanCarryIsNoTls() throws Exception {
        byte[] forged = {0x16, 3, 1, (byte) 0xFF, (byte) 0xFF, 1};
        assertEquals(Acl.FAIL, sni(AclMatch.FOUND, false).evaluate(view(forged, false)));
    }

    @Test
    void helloTypeWaitsForTheWholeHandshakeMessageSoThatTheNameIsInWhenItPasses() throws Exception {
        byte[] hello = clientHello("a.test");
        Acl one = Acl.compile(Fetch.REQ_SSL_HELLO_TYPE, null, AclMatch.INT, false, List.of("1"));
        for (int n = 0; n < hello.length; n++) {
            assertEquals(Acl.MISS, one.evaluate(view(Arrays.copyOf(hello, n), false)), "cut at " + n);
        }
        assertEquals(Acl.PASS, one.evaluate(view(hello, false)));
        assertEquals("a.test", name(hello), "the name is whole once the type passes");
        assertEquals(Acl.FAIL, Acl.compile(Fetch.REQ_SSL_HELLO_TYPE, null, AclMatch.INT, false, List.of("2"))
                .evaluate(view(hello, false)));
    }

    @Test
    void reqLenMayGrowUntilThePayloadIsFinal() throws Exception {
        Acl longer = Acl.compile(Fetch.REQ_LEN, null, AclMatch.INT, false, List.of("gt", "4"));
        assertEquals(Acl.MISS, longer.evaluate(view(new byte[3], false)));
        assertEquals(Acl.FAIL, longer.evaluate(view(new byte[3], true)));
        assertEquals(Acl.PASS, longer.evaluate(view(new byte[5], false)));
        assertEquals(Acl.MISS, longer.evaluate(view(new byte[0], false)));
    }

    @Test
    void aMissStaysAMissUnderNegationAndUnlessAndAConjunctionFailsFirst() throws Exception {
        AddressView partial = view(Arrays.copyOf(clientHello("a.test"), 20), false);
        Acl a = sni(AclMatch.STR, false, "a.test");
        Acl never = Acl.compile(Fetch.DST_PORT, null, AclMatch.INT, false, List.of("1"));
        Acl always = Acl.compile(Fetch.SRC, null, AclMatch.IP, false, List.of("127.0.0.1"));
        assertEquals(Acl.MISS, new Condition.Builder().term(false, List.of(a)).build(false).evaluate(partial));
        assertEquals(Acl.MISS, new Condition.Builder().term(true, List.of(a)).build(false).evaluate(partial));
        assertEquals(Acl.MISS, new Condition.Builder().term(false, List.of(a)).build(true).evaluate(partial));
        // A failed term ends a conjunction whatever follows; a passed alternative ends the condition.
        assertEquals(Acl.FAIL, new Condition.Builder().term(false, List.of(never)).term(false, List.of(a))
                .build(false).evaluate(partial));
        assertEquals(Acl.PASS, new Condition.Builder().term(false, List.of(a)).or().term(false, List.of(always))
                .build(false).evaluate(partial));
        assertEquals(Acl.MISS, new Condition.Builder().term(false, List.of(a)).or().term(false, List.of(never))
                .build(false).evaluate(partial));
        // Any ACL of a term that passes makes the term pass.
        assertEquals(Acl.PASS, new Condition.Builder().term(false, List.of(a, always)).build(false)
                .evaluate(partial));
    }

    @Test
    void contentRulesWaitAtTheFirstRuleThatCannotTellAndDecideOnceItCan() throws Exception {
        byte[] hello = clientHello("b.test");
        Acl isHello = Acl.compile(Fetch.REQ_SSL_HELLO_TYPE, null, AclMatch.INT, false, List.of("1"));
        TcpRequestRules rules = TcpRequestRules.builder()
                .rule(TcpRequestRules.Phase.CONTENT, true, new Condition.Builder().term(false, List.of(isHello))
                        .build(false))
                .rule(TcpRequestRules.Phase.CONTENT, false, Condition.always())
                .build();
        assertEquals(TcpRequestRules.WAIT, rules.verdict(TcpRequestRules.Phase.CONTENT, view(new byte[0], false)));
        assertEquals(TcpRequestRules.WAIT, rules.verdict(TcpRequestRules.Phase.CONTENT,
                view(Arrays.copyOf(hello, hello.length - 1), false)));
        assertEquals(TcpRequestRules.ACCEPT, rules.verdict(TcpRequestRules.Phase.CONTENT, view(hello, false)));
        assertEquals(TcpRequestRules.REJECT, rules.verdict(TcpRequestRules.Phase.CONTENT,
                view("SSH-2.0-x\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), false)));
        // When the delay is over with nothing in, the hello rule fails and the reject that follows decides.
        assertEquals(TcpRequestRules.REJECT, rules.verdict(TcpRequestRules.Phase.CONTENT, view(new byte[0], true)));
    }
}
