package dev.sluice.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.sluice.backend.Backend;
import dev.sluice.backend.Server;
import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.Criticality;
import dev.sluice.http.HeadRewriter;
import dev.sluice.http.HeaderEdits;
import dev.sluice.http.HttpHeadParser;
import dev.sluice.http.HttpLimits;
import dev.sluice.http.MessageKind;
import dev.sluice.http.Method;
import dev.sluice.http.ParsedRequest;
import dev.sluice.http.PersistCookie;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The persistence cookie on real heads: the server a request's cookie names,
 * the request's cookie removed ({@code insert indirect}) or its prefix
 * stripped ({@code prefix}) with the separators left as a client would write
 * them, and the response's cookie inserted, rewritten, prefixed or removed;
 * with the two letters each side leaves in {@code %tsc}.
 */
class CookiePersistenceTest {
    private static final HttpLimits LIMITS = HttpLimits.forBuffer(4096, 1024);
    private final BufferPool pool = new BufferPool(4, 4096, 1, () -> 0);
    private final Server s1 = server("s1", "c1");
    private final Server s2 = server("s2", "c2");
    private final Server bare = server("s3", null);
    private final Backend backend = new Backend("be", List.of(s1, s2, bare));
    private final CookiePersistence cookies = new CookiePersistence();

    private static Server server(String name, String cookie) {
        Server s = new Server(name, new InetSocketAddress("127.0.0.1", 1), 0, 0);
        s.cookie(cookie);
        return s;
    }

    private static PersistCookie rule(String name, PersistCookie.Mode mode, boolean indirect, boolean noCache,
                                      boolean preserve) {
        return PersistCookie.compile(name, new PersistCookie.Options(mode, indirect, noCache, false, preserve, true,
                false, List.of(), List.of()), List.of("c1", "c2"));
    }

    /** A head in a buffer, with edits applied in place as the session applies them. */
    private final class Head implements HeaderEdits {
        final Buffer b = pool.tryAllocate(Criticality.CRITICAL);
        final HttpHeadParser parser;

        Head(MessageKind kind, String text) {
            parser = new HttpHeadParser(kind, LIMITS);
            byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
            b.append(bytes, 0, bytes.length);
            assertEquals(HttpHeadParser.Progress.COMPLETE, parser.parse(b));
        }

        ParsedRequest view() {
            return new ParsedRequest().bind(b, parser, new byte[] {127, 0, 0, 1});
        }

        @Override
        public void delete(int header) {
            HeadRewriter.removeFieldLine(b, parser, header, parser.headStart() + parser.headLength());
            parser.reparse(b);
        }

        @Override
        public void append(byte[] fieldLine) {
            HeadRewriter.insertField(b, parser.headStart() + parser.headLength(), fieldLine);
            parser.reparse(b);
        }

        @Override
        public void replace(int start, int end, byte[] with, int offset, int length) {
            b.shiftTail(end, end + length - (end - start));
            b.putAt(start, with, offset, length);
            parser.reparse(b);
        }

        String text() {
            byte[] out = new byte[b.writeIndex() - b.readIndex()];
            for (int i = 0; i < out.length; i++) {
                out[i] = b.get(b.readIndex() + i);
            }
            pool.release(b);
            return new String(out, StandardCharsets.US_ASCII);
        }
    }

    private String request(PersistCookie rule, String fields) {
        Head head = new Head(MessageKind.REQUEST, "GET / HTTP/1.1\r\nHost: h\r\n" + fields + "\r\n");
        cookies.request(rule, backend, head.view(), head, Method.GET);
        String text = head.text();
        return text.substring(text.indexOf("Host: h\r\n") + 9, text.length() - 2);
    }

    private String response(Server served, String fields) {
        Head head = new Head(MessageKind.RESPONSE, "HTTP/1.1 200 OK\r\n" + fields + "Content-Length: 0\r\n\r\n");
        cookies.response(head.b, head.parser, head, served);
        String text = head.text();
        return text.substring(text.indexOf("\r\n") + 2, text.length() - 2).replace("Content-Length: 0\r\n", "");
    }

    @Test
    void indirectInsertRemovesTheCookieAndKeepsTheOthersAsWritten() {
        PersistCookie r = rule("SRV", PersistCookie.Mode.INSERT, true, false, false);
        assertEquals("", request(r, "Cookie: SRV=c2\r\n"), "a field with no other cookie goes");
        assertSame(s2, cookies.named());
        assertEquals('V', cookies.requestState());
        assertEquals("Cookie: a=1; b=2\r\n", request(r, "Cookie: a=1; SRV=c2; b=2\r\n"));
        assertEquals("Cookie: a=1\r\n", request(r, "Cookie: a=1; SRV=c2\r\n"));
        assertEquals("Cookie: b=2\r\n", request(r, "Cookie: SRV=c1; SRV=c2; b=2\r\n"));
        assertSame(s1, cookies.named(), "the first pair that names a server decides");
        assertEquals("Cookie: a=1,b=2\r\nX: y\r\n", request(r, "Cookie: a=1,SRV=zz;b=2\r\nCookie: SRV=c1\r\nX: y\r\n"));
        assertSame(s1, cookies.named());
        assertEquals("Cookie:  x=1\r\n", request(r, "Cookie:  SRV = c2 ; x=1\r\n"), "blanks around the pair");
        assertSame(s2, cookies.named());
        assertEquals("Cookie: srv=c1\r\n", request(r, "Cookie: srv=c1\r\n"), "names are compared with their case");
        assertEquals('N', cookies.requestState());
        assertNull(cookies.named());
        request(r, "Cookie: SRV=nobody\r\n");
        assertEquals('I', cookies.requestState());
    }

    @Test
    void aCookieNamingADownServerIsDAndNamesNone() {
        PersistCookie r = rule("SRV", PersistCookie.Mode.INSERT, false, false, false);
        dev.sluice.backend.BackendAccess.down(backend, s2);
        assertEquals("Cookie: SRV=c2\r\n", request(r, "Cookie: SRV=c2\r\n"), "without indirect the server sees it");
        assertEquals('D', cookies.requestState());
        assertNull(cookies.named());
    }

    @Test
    void prefixStripsTheServersValueFromEveryCookieOfTheName() {
        PersistCookie r = rule("JS", PersistCookie.Mode.PREFIX, false, false, false);
        assertEquals("Cookie: JS=abc; o=c1~3\r\n", request(r, "Cookie: JS=c2~abc; o=c1~3\r\n"));
        assertSame(s2, cookies.named());
        assertEquals("Cookie: JS=a; JS=b~c\r\n", request(r, "Cookie: JS=c1~a; JS=c2~b~c\r\n"));
        assertSame(s1, cookies.named());
        assertEquals("Cookie: JS=xyz\r\n", request(r, "Cookie: JS=zz~xyz\r\n"), "stripped even when it names nobody");
        assertEquals('I', cookies.requestState());
        assertEquals("Set-Cookie: JS=c1~new; path=/\r\n", response(s1, "Set-Cookie: JS=new; path=/\r\n"));
        assertEquals('R', cookies.responseState());
    }

    @Test
    void insertAddsTheServersCookieUnlessTheClientHoldsIt() {
        PersistCookie r = rule("SRV", PersistCookie.Mode.INSERT, false, true, false);
        request(r, "");
        assertEquals("set-cookie: SRV=c1; path=/; HttpOnly\r\n", response(s1, ""));
        assertEquals('I', cookies.responseState());
        request(r, "");
        assertEquals("Cache-Control: max-age=5\r\nset-cookie: SRV=c2; path=/; HttpOnly\r\ncache-control: private\r\n",
                response(s2, "Cache-Control: max-age=5\r\n"), "nocache marks a cacheable answer private");
        request(r, "");
        assertEquals("Cache-Control: public, no-cache=\"a,b\"\r\nset-cookie: SRV=c2; path=/; HttpOnly\r\n",
                response(s2, "Cache-Control: public, no-cache=\"a,b\"\r\n"));
        request(r, "Cookie: SRV=c2\r\n");
        assertEquals("", response(s2, ""), "the client holds a cookie naming this server");
        assertEquals('N', cookies.responseState());
        request(r, "Cookie: SRV=c2\r\n");
        assertEquals("set-cookie: SRV=c1; path=/; HttpOnly\r\n", response(s1, ""), "another server answered");
        request(r, "");
        assertEquals("set-cookie: SRV=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/; HttpOnly\r\n",
                response(bare, ""), "a server without a value clears the client's cookie");
        request(r, "Cookie: SRV=c2\r\n");
        assertEquals("X: 1\r\n", response(s2, "Set-Cookie: SRV=own\r\nX: 1\r\n"), "the server's own goes");
        assertEquals('D', cookies.responseState());
    }

    @Test
    void preserveLeavesTheServersOwnCookieAndInsertsNone() {
        PersistCookie r = rule("SRV", PersistCookie.Mode.INSERT, false, false, true);
        request(r, "");
        assertEquals("Set-Cookie: SRV=; Max-Age=0\r\n", response(s1, "Set-Cookie: SRV=; Max-Age=0\r\n"));
        assertEquals('P', cookies.responseState());
    }

    @Test
    void rewriteReplacesTheValueTheServerSet() {
        PersistCookie r = rule("SRV", PersistCookie.Mode.REWRITE, false, false, false);
        request(r, "Cookie: SRV=c2\r\n");
        assertEquals("Set-Cookie: SRV=c2; path=/; HttpOnly\r\nSet-Cookie: other=1\r\n",
                response(s2, "Set-Cookie: SRV=anything; path=/; HttpOnly\r\nSet-Cookie: other=1\r\n"));
        assertEquals('R', cookies.responseState());
        request(r, "");
        assertEquals("", response(s1, ""), "a server that sets none gets none");
        assertEquals('N', cookies.responseState());
    }
}
