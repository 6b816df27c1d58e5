package dev.sluice.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.backend.Backend;
import dev.sluice.backend.Server;
import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.Criticality;
import dev.sluice.http.Condition;
import dev.sluice.http.HttpHeadParser;
import dev.sluice.http.HttpLimits;
import dev.sluice.http.MessageKind;
import dev.sluice.http.ParsedRequest;
import dev.sluice.http.StickRule;
import dev.sluice.http.StickRules;
import dev.sluice.stick.StickTable;
import dev.sluice.stick.StickTables;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The stick rules of a session on real request heads and real tables: the
 * server an entry names, the keys stored once a server answered, the order of
 * the rules, the cookie's precedence, servers that no longer take persistent
 * requests, and a table two backends share.
 */
class StickPersistenceTest {
    private static final HttpLimits LIMITS = HttpLimits.forBuffer(4096, 1024);
    private static final byte[] CLIENT_A = {10, 0, 0, 1};
    private static final byte[] CLIENT_B = {10, 0, 0, 2};

    private final BufferPool pool = new BufferPool(4, 4096, 1, () -> 0);
    private final AtomicLong now = new AtomicLong(1_000);
    private final Server s1 = server("s1");
    private final Server s2 = server("s2");
    private final Server s3 = server("s3");
    private final Backend backend = new Backend("be", List.of(s1, s2, s3));
    private final Map<String, StickTable> tables = new HashMap<>();
    private final StickTables lookup = tables::get;
    private final StickPersistence sticks = new StickPersistence();

    private static Server server(String name) {
        return new Server(name, new InetSocketAddress("127.0.0.1", 1), 0, 0);
    }

    private StickTable table(String name, StickTable.Type type, long expire) {
        StickTable t = new StickTable(name, type, 32, 100, expire, false, Map.of(), true, now::get);
        tables.put(name, t);
        return t;
    }

    private static StickRules rules(StickRule... rules) {
        return StickRules.of(List.of(rules));
    }

    /** Runs the rules on a request from {@code client} with {@code fields}; the buffer goes back before it returns. */
    private Server request(StickRules rules, Backend to, byte[] client, String target, String fields,
                           boolean assigned) {
        Buffer b = pool.tryAllocate(Criticality.CRITICAL);
        try {
            byte[] bytes = ("GET " + target + " HTTP/1.1\r\nHost: h\r\n" + fields + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            b.append(bytes, 0, bytes.length);
            HttpHeadParser parser = new HttpHeadParser(MessageKind.REQUEST, LIMITS);
            assertEquals(HttpHeadParser.Progress.COMPLETE, parser.parse(b));
            return sticks.request(rules, to, new ParsedRequest().bind(b, parser, client), lookup, assigned);
        } finally {
            pool.release(b);
        }
    }

    private Server request(StickRules rules, byte[] client, String fields) {
        return request(rules, backend, client, "/", fields, false);
    }

    @Test
    void stickOnSrcLearnsTheServerThatAnsweredAndSendsTheClientBackToIt() {
        table("be", StickTable.Type.IP, 0);
        StickRules on = rules(StickRule.of(StickRule.Kind.ON, StickRule.Source.SRC, null, "be", null));
        assertNull(request(on, CLIENT_A, ""), "nothing stored yet: balance");
        assertTrue(sticks.pending());
        sticks.served(s2);
        assertFalse(sticks.pending());
        assertSame(s2, request(on, CLIENT_A, ""));
        sticks.served(s2);
        assertNull(request(on, CLIENT_B, ""), "another client has no entry");
        sticks.served(s3);
        assertSame(s3, request(on, CLIENT_B, ""));
        assertSame(s2, request(on, CLIENT_A, ""));
    }

    @Test
    void aRequestNoServerAnsweredStoresNothing() {
        table("be", StickTable.Type.IP, 0);
        StickRules on = rules(StickRule.of(StickRule.Kind.ON, StickRule.Source.SRC, null, "be", null));
        assertNull(request(on, CLIENT_A, ""));
        // No answer (a 503, a timeout): the next request forgets the key it kept.
        assertNull(request(on, CLIENT_B, ""));
        sticks.served(s1);
        assertNull(request(on, CLIENT_A, ""), "A's key was never stored");
        assertSame(s1, request(on, CLIENT_B, ""));
    }

    @Test
    void matchOnlyRulesStoreNothingAndStoreOnlyRulesChooseNothing() {
        StickTable t = table("be", StickTable.Type.STRING, 0);
        StickRules match = rules(StickRule.of(StickRule.Kind.MATCH, StickRule.Source.HEADER, "X-User", "be", null));
        StickRules store = rules(StickRule.of(StickRule.Kind.STORE, StickRule.Source.HEADER, "X-User", "be", null));
        assertNull(request(match, CLIENT_A, "X-User: ann\r\n"));
        assertFalse(sticks.pending());
        assertNull(request(store, CLIENT_A, "X-User: ann\r\n"));
        sticks.served(s3);
        assertNull(request(store, CLIENT_A, "X-User: ann\r\n"), "a store rule chooses nothing");
        sticks.clear();
        assertSame(s3, request(match, CLIENT_B, "X-User: bob, ann\r\n"), "the last value of the header");
        assertNull(request(match, CLIENT_B, ""), "no header, no key");
        assertEquals(1, t.entries());
    }

    @Test
    void cookiesAndUrlParametersAreKeys() {
        table("be", StickTable.Type.STRING, 0);
        StickRules cookie = rules(StickRule.of(StickRule.Kind.ON, StickRule.Source.COOKIE, "sid", "be", null));
        assertNull(request(cookie, CLIENT_A, "Cookie: a=1; sid=xyz\r\n"));
        sticks.served(s2);
        assertSame(s2, request(cookie, CLIENT_B, "Cookie: sid=old\r\nCookie: sid=xyz; b=2\r\n"),
                "the last cookie of the name");
        assertNull(request(cookie, CLIENT_B, "Cookie: SID=xyz\r\n"), "cookie names keep their case");
        StickRules param = rules(StickRule.of(StickRule.Kind.ON, StickRule.Source.URL_PARAM, "u", "be", null));
        assertNull(request(param, backend, CLIENT_A, "/p?x=1&u=42;v=2", "", false));
        sticks.served(s1);
        assertSame(s1, request(param, backend, CLIENT_B, "/q?u=42&u=7", "", false), "the first parameter");
        assertNull(request(param, backend, CLIENT_B, "/q?uu=42", "", false));
    }

    @Test
    void onlyTheFirstStoringRuleOfATableStores() {
        StickTable t = table("be", StickTable.Type.STRING, 0);
        StickRules rules = rules(
                StickRule.of(StickRule.Kind.STORE, StickRule.Source.HEADER, "X-User", "be", null),
                StickRule.of(StickRule.Kind.ON, StickRule.Source.COOKIE, "sid", "be", null));
        assertNull(request(rules, CLIENT_A, "X-User: ann\r\nCookie: sid=c\r\n"));
        sticks.served(s2);
        assertEquals(1, t.entries(), "the stick on rule was skipped, its match and its store");
        StickRules cookieOnly = rules(StickRule.of(StickRule.Kind.MATCH, StickRule.Source.COOKIE, "sid", "be", null));
        assertNull(request(cookieOnly, CLIENT_A, "Cookie: sid=c\r\n"));
        assertNull(request(rules, CLIENT_A, "Cookie: sid=c\r\n"), "the first rule has no key: the second runs");
        sticks.served(s3);
        assertSame(s3, request(cookieOnly, CLIENT_A, "Cookie: sid=c\r\n"));
    }

    @Test
    void theFirstRuleThatNamesAUsableServerWinsAndLaterMatchesOnlyTouch() {
        StickTable ips = table("be", StickTable.Type.IP, 1_000);
        StickTable users = table("users", StickTable.Type.STRING, 0);
        ips.storeServer(CLIENT_A, 4, true, 1, s1.nameNumber());
        users.storeServer("ann".getBytes(StandardCharsets.US_ASCII), 3, false, 3, s3.nameNumber());
        StickRules rules = rules(
                StickRule.of(StickRule.Kind.MATCH, StickRule.Source.HEADER, "x-user", "users", null),
                StickRule.of(StickRule.Kind.MATCH, StickRule.Source.SRC, null, "be", null));
        now.addAndGet(900);
        assertSame(s3, request(rules, CLIENT_A, "X-User: ann\r\n"));
        now.addAndGet(900);
        assertSame(s1, request(rules, CLIENT_A, ""), "the address entry was touched by the match that lost");
        s3.setMaintenance(true);
        assertSame(s1, request(rules, CLIENT_A, "X-User: ann\r\n"), "a server in maintenance is passed over");
        s1.setMaintenance(true);
        assertNull(request(rules, CLIENT_A, "X-User: ann\r\n"), "no usable server: balance");
        s1.setMaintenance(false);
        s1.setDrain(true);
        assertSame(s1, request(rules, CLIENT_A, ""), "a drained server still takes persistent requests");
    }

    @Test
    void aCookieThatChoseTakesPrecedenceButTheRulesStillStore() {
        table("be", StickTable.Type.IP, 0);
        StickRules on = rules(StickRule.of(StickRule.Kind.ON, StickRule.Source.SRC, null, "be", null));
        request(on, CLIENT_A, "");
        sticks.served(s1);
        assertNull(request(on, backend, CLIENT_A, "/", "", true), "the cookie's server stands");
        assertTrue(sticks.pending());
        sticks.served(s2);
        assertSame(s2, request(on, CLIENT_A, ""), "the server the cookie chose was stored");
    }

    @Test
    void aConditionDecidesWhetherTheRuleRuns() {
        table("be", StickTable.Type.IP, 0);
        Condition never = new Condition.Builder().build(true);
        StickRules off = rules(StickRule.of(StickRule.Kind.ON, StickRule.Source.SRC, null, "be", never));
        request(off, CLIENT_A, "");
        assertFalse(sticks.pending(), "unless TRUE: the rule does not run");
    }

    @Test
    void aSharedTableNamesServersByNameFirstThenById() {
        table("shared", StickTable.Type.IP, 0);
        Server t2 = server("s2");
        Server t1 = server("s1");
        Server other = server("x9");
        Backend swapped = new Backend("swapped", List.of(t2, t1));
        Backend unnamed = new Backend("unnamed", List.of(other, server("x8"), server("x7")));
        StickRules on = rules(StickRule.of(StickRule.Kind.ON, StickRule.Source.SRC, null, "shared", null));
        request(on, CLIENT_A, "");
        sticks.served(s1);
        assertSame(t1, request(on, swapped, CLIENT_A, "/", "", false), "s1 by name, though its id there is 2");
        sticks.clear();
        request(on, CLIENT_B, "");
        sticks.served(s3);
        assertSame(unnamed.servers().get(2), request(on, unnamed, CLIENT_B, "/", "", false),
                "no server named s3: id 3");
        sticks.clear();
        assertNull(request(on, swapped, CLIENT_B, "/", "", false), "no s3 and no id 3: balance");
    }
}
