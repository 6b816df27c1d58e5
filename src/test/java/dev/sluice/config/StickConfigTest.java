package dev.sluice.config;

import static dev.sluice.config.ConfigParserTest.assertRefused;
import static dev.sluice.config.ConfigParserTest.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.http.AddressView;
import dev.sluice.http.ConnectionAddresses;
import dev.sluice.http.TcpRequestRules;
import dev.sluice.stick.StickData;
import dev.sluice.stick.StickTable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** stick-table, track-sc and the sc_* and src_* fetches: what each line becomes, and every refusal with its line. */
class StickConfigTest {
    /** Line 1 is the frontend header, so a test's first line is line 4. */
    private static final String FRONTEND = "frontend web\n mode http\n bind :80\n";
    private static final String BACKEND = "\n default_backend b\nbackend b\n mode http\n server s 127.0.0.1:1\n";

    private static Config config(String lines) throws ConfigException {
        return parse(FRONTEND + lines + BACKEND);
    }

    private static void refused(String lines, String message) {
        assertRefused(FRONTEND + lines + BACKEND, message);
    }

    @Test
    void theCommonRateLimitIsRead() throws ConfigException {
        Config c = config("""
                 stick-table type ip size 100k expire 30s store http_req_rate(10s),conn_cur,conn_rate(10s)
                 http-request track-sc0 src
                 http-request deny deny_status 429 if { sc_http_req_rate(0) gt 20 }
                 tcp-request connection track-sc1 src
                 tcp-request connection reject if { sc1_conn_cur gt 10 }
                """);
        StickTableSpec t = c.stickTable("web").orElseThrow();
        assertEquals(StickTable.Type.IP, t.type());
        assertEquals(102_400, t.size());
        assertEquals(30_000, t.expireMillis());
        assertFalse(t.nopurge());
        assertEquals(Map.of(StickData.HTTP_REQ_RATE, 10_000L, StickData.CONN_CUR, 0L, StickData.CONN_RATE, 10_000L),
                t.stored());
        assertEquals(List.of(StickData.HTTP_REQ_RATE, StickData.CONN_CUR, StickData.CONN_RATE),
                List.copyOf(t.stored().keySet()), "in the order written");
        HttpRequestRule track = c.frontends().get(0).http().httpRequestRules().get(0);
        assertEquals(HttpRequestRule.Action.TRACK, track.action());
        assertEquals("web", track.value(), "the section's own table");
        assertEquals(null, track.header(), "src");
        assertEquals("http-request track-sc0", track.keyword());
        TcpRequestRule tcp = c.frontends().get(0).routing().tcpRequestRules().get(0);
        assertEquals(TcpRequestRule.Action.TRACK, tcp.action());
        assertEquals(1, tcp.counter());
        assertEquals("web", tcp.table());
        assertEquals(List.of(), c.warnings());
    }

    @Test
    void aStringTableTracksAHeaderAndAnotherSectionsTableIsNamed() throws ConfigException {
        Config c = parse("""
                frontend web
                 mode http
                 bind :80
                 http-request track-sc2 req.hdr(x-api-key) table keys
                 http-request deny if { sc2_http_req_cnt(keys) gt 100 } || { src_conn_rate(addrs) ge 5 }
                 default_backend b
                backend keys
                 stick-table type string len 64 size 1k store http_req_cnt nopurge expire 1m
                backend addrs
                 stick-table type ipv6 size 10 store conn_rate(1s) store conn_cur
                backend b
                 mode http
                 server s 127.0.0.1:1
                """);
        StickTableSpec keys = c.stickTable("keys").orElseThrow();
        assertEquals(StickTable.Type.STRING, keys.type());
        assertEquals(64, keys.keyLength());
        assertTrue(keys.nopurge());
        assertEquals(Map.of(StickData.CONN_RATE, 1000L, StickData.CONN_CUR, 0L),
                c.stickTable("addrs").orElseThrow().stored(), "store repeated");
        HttpRequestRule track = c.frontends().get(0).http().httpRequestRules().get(0);
        assertEquals("x-api-key", track.header());
        assertEquals("keys", track.value());
        assertEquals(2, c.stickTables().size());
    }

    @Test
    void aListenSectionsTableIsOneTable() throws ConfigException {
        Config c = parse("""
                listen app
                 mode http
                 bind :80
                 stick-table type ip size 10 store http_req_rate(10s)
                 http-request track-sc0 src
                 server s 127.0.0.1:1
                """);
        assertEquals(1, c.stickTables().size());
    }

    @Test
    void dataATableDoesNotStoreIsWarnedOf() throws ConfigException {
        Config c = config("""
                 stick-table type ip size 10 store http_req_rate(10s)
                 http-request track-sc0 src
                 http-request deny if { sc_conn_cur(0) gt 1 }
                """);
        assertEquals(List.of("t.cfg:6: warning: sc_conn_cur reads conn_cur, which the stick-table of 'web' (line 4)"
                + " does not store: the ACL never matches; add it to the table's store list"), c.warnings());
    }

    @Test
    void theTableIsPreAllocatedUpToACap() {
        refused(" stick-table type ip size 10m store http_req_rate(10s),conn_cur,conn_rate(10s)",
                "t.cfg:4: stick-table: the table would take 768 MB, over the 512 MB Sluice allows a table (it"
                        + " allocates every entry at start-up): lower 'size' or store fewer data types");
        refused(" stick-table type string len 1024 size 1m",
                "t.cfg:4: stick-table: the table would take 1060 MB, over the 512 MB Sluice allows a table (it"
                        + " allocates every entry at start-up): lower 'size' or 'len' or store fewer data types");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
             stick-table type binary size 10 | t.cfg:4: stick-table: type binary is not supported by Sluice: write 'type ip' (or ipv6) to track src, 'type string' to track req.hdr(NAME)
             stick-table type integer size 10 | t.cfg:4: stick-table: type integer is not supported by Sluice: no key Sluice tracks is an integer; write 'type ip' (or ipv6) to track src, 'type string' to track req.hdr(NAME)
             stick-table type ip size 10 peers mypeers | t.cfg:4: stick-table: 'peers' is not supported by Sluice: its stick tables are the process's own, never shared with other processes; remove 'peers mypeers'
             stick-table type ip size 10 srvkey addr | t.cfg:4: stick-table: 'srvkey addr' is not supported by Sluice: a stick rule's entry names its server by name (srvkey name, the default) and by id; 'srvkey addr' serves peers and server templates, which Sluice does not have
             stick-table type ip size 10 write-to other | t.cfg:4: stick-table: 'write-to' is not supported by Sluice: it copies the table into another one for peers, which Sluice does not have
             stick-table type ip size 10 store gpc0 | t.cfg:4: stick-table: 'store gpc0' is not supported by Sluice: general purpose counters and tags are set by actions (sc-inc-gpc0, sc-set-gpt0) that Sluice does not have (supported: conn_cur, conn_cnt, conn_rate(PERIOD), http_req_cnt, http_req_rate(PERIOD), http_err_cnt, http_err_rate(PERIOD), server_id)
             stick-table type ip size 10 store bytes_in_rate(10s) | t.cfg:4: stick-table: 'store bytes_in_rate(10s)' is not supported by Sluice: Sluice does not count bytes per table entry (supported: conn_cur, conn_cnt, conn_rate(PERIOD), http_req_cnt, http_req_rate(PERIOD), http_err_cnt, http_err_rate(PERIOD), server_id)
             stick-table type ip size 10 store server_key | t.cfg:4: stick-table: 'store server_key' is not supported by Sluice: Sluice stores the server of a stick rule by its id and name by itself (server_id, srvkey name) (supported: conn_cur, conn_cnt, conn_rate(PERIOD), http_req_cnt, http_req_rate(PERIOD), http_err_cnt, http_err_rate(PERIOD), server_id)
             stick-table type ip size 10 store http_req_rate | t.cfg:4: stick-table: 'http_req_rate' needs a period, as in http_req_rate(10s)
             stick-table type ip size 10 store conn_cur(10s) | t.cfg:4: stick-table: 'conn_cur' takes no period: write conn_cur
             stick-table type ip size 10 store conn_cur,conn_cur | t.cfg:4: stick-table: 'conn_cur' is stored twice
             stick-table type ip store conn_cur | t.cfg:4: stick-table: needs a size, the most entries it holds: write for example 'size 100k'
             stick-table size 10 | t.cfg:4: stick-table: needs a type: write 'type ip', 'type ipv6' or 'type string'
             stick-table type ip len 10 size 10 | t.cfg:4: stick-table: 'len' sets the longest key of a string table; a ip table's keys have a fixed length: remove 'len 10'
             stick-table type ip size 10 colour red | t.cfg:4: stick-table: 'colour' is not supported by Sluice (supported: type, len, size, expire, nopurge, store)
             http-request track-sc0 src | t.cfg:4: http-request track-sc0: frontend 'web' has no stick-table; declare one, as in 'stick-table type ip size 100k expire 30s store http_req_rate(10s)'; or name the section that has one with 'table NAME'
             http-request track-sc0 src table nowhere | t.cfg:4: http-request track-sc0: no section named 'nowhere' has a stick-table; declare one, as in 'stick-table type ip size 100k expire 30s store http_req_rate(10s)'; or name the section that has one with 'table NAME'
             http-request track-sc0 path | t.cfg:4: http-request track-sc0: the key 'path' is not supported by Sluice (supported: src, req.hdr(NAME))
             http-request track-sc0 src tabel x | t.cfg:4: http-request track-sc0: unexpected 'tabel' (expected table NAME, then if or unless)
             tcp-request connection track-sc0 req.hdr(host) | t.cfg:4: tcp-request connection: the key 'req.hdr(host)' is not supported by Sluice in tcp-request connection rules (supported: src; a key of the HTTP request goes in http-request track-sc0)
             tcp-request connection track-sc3 src | t.cfg:4: tcp-request connection: 'track-sc3': Sluice tracks the sticky counters sc0, sc1 and sc2 only
             tcp-request content track-sc0 src | t.cfg:4: tcp-request content: 'track-sc0' is not supported by Sluice in tcp-request content rules: write 'tcp-request connection track-sc0 src' (for the connection) or 'http-request track-sc0' (for each request)
             acl a sc_http_req_rate gt 1 | t.cfg:4: acl: sc_http_req_rate: sc_http_req_rate needs a counter number: write sc_http_req_rate(0) to sc_http_req_rate(2), perhaps with a table as in sc_http_req_rate(0,web)
             acl a sc_http_req_rate(3) gt 1 | t.cfg:4: acl: sc_http_req_rate(3): '3' is no sticky counter of Sluice (0, 1 or 2): write sc_http_req_rate(0) to sc_http_req_rate(2), perhaps with a table as in sc_http_req_rate(0,web)
             acl a sc5_conn_cur gt 1 | t.cfg:4: acl: fetch 'sc5_conn_cur': Sluice tracks the sticky counters sc0, sc1 and sc2 only
             acl a sc0_gpc0 gt 1 | t.cfg:4: acl: fetch 'sc0_gpc0' is not supported by Sluice: its stick tables store conn_cur, conn_cnt, conn_rate, http_req_cnt, http_req_rate, http_err_cnt and http_err_rate (read with sc_*, sc0_* to sc2_* and src_*), and sc_tracked tells whether a counter tracks an entry
             acl a src_bytes_in_rate gt 1 | t.cfg:4: acl: fetch 'src_bytes_in_rate' is not supported by Sluice: its stick tables store conn_cur, conn_cnt, conn_rate, http_req_cnt, http_req_rate, http_err_cnt and http_err_rate (read with sc_*, sc0_* to sc2_* and src_*), and sc_tracked tells whether a counter tracks an entry
             acl a sc0_tracked 1 | t.cfg:4: acl: sc_tracked(0): -m bool takes no value, got '1'
             acl a src_conn_cur 10.0.0.1 | t.cfg:4: acl: src_conn_cur(web): expected a number, a range LOW:HIGH or an operator (eq, ge, gt, le, lt) and a number, got '10.0.0.1'
             acl a src_conn_cur gt 1 | t.cfg:4: src_conn_cur: frontend 'web' has no stick-table; declare one, as in 'stick-table type ip size 100k expire 30s store http_req_rate(10s)'; or name the section that has one, as in src_conn_cur(NAME)
            """)
    void badLinesAreRefusedAtTheirLine(String lines, String message) {
        refused(lines, message);
    }

    @Test
    void aSectionHoldsOneTable() {
        refused(" stick-table type ip size 10\n stick-table type ip size 20",
                "t.cfg:5: stick-table: frontend 'web' has a stick-table already (line 4); a section holds one: declare"
                        + " another in a backend of its own and name it with 'table NAME'");
    }

    @Test
    void aTrackRuleNeedsAKey() {
        refused(" http-request track-sc0", "t.cfg:4: 'http-request track-sc0' takes at least 1 arguments"
                + " (http-request track-sc0 <key> [table <table>] [if|unless <condition>]), got 0");
    }

    @Test
    void keysMustFitTheirTable() {
        refused(" stick-table type string size 10\n http-request track-sc0 src",
                "t.cfg:5: http-request track-sc0: the key src is an address, but the stick-table of 'web' (line 4) is"
                        + " of type string; track it in a 'type ip' or 'type ipv6' table");
        refused(" stick-table type ip size 10\n http-request track-sc0 req.hdr(host)",
                "t.cfg:5: http-request track-sc0: the key req.hdr(host) is a string, but the stick-table of 'web'"
                        + " (line 4) is of type ip; track it in a 'type string' table");
        refused(" stick-table type string size 10\n acl a src_conn_cur gt 1",
                "t.cfg:5: src_conn_cur looks the client's address up, but the stick-table of 'web' (line 4) is of"
                        + " type string; name an ip or ipv6 table");
    }

    @Test
    void httpRulesNeedModeHttp() {
        assertRefused("""
                frontend web
                 bind :80
                 stick-table type ip size 10 store conn_cur
                 http-request track-sc0 src
                 default_backend b
                backend b
                 server s 127.0.0.1:1
                """, "t.cfg:4: http-request track-sc0 needs mode http, but frontend 'web' is in mode tcp (line 1)");
    }

    @Test
    void theConnectionRulesTrackAndReadTheTableInOrder() throws ConfigException {
        Config c = parse("""
                frontend web
                 bind :80
                 stick-table type ip size 10 store conn_cur
                 tcp-request connection track-sc0 src
                 tcp-request connection reject if { sc_conn_cur(0) gt 2 }
                 tcp-request connection reject if !{ sc_tracked(0) }
                 default_backend b
                backend b
                 server s 127.0.0.1:1
                """);
        StickTable table = c.stickTable("web").orElseThrow().make(new AtomicLong()::get);
        TcpRequestRules rules = c.frontends().get(0).tcpRequestRules();
        byte[] client = {10, 0, 0, 1};
        List<ConnectionAddresses> open = new java.util.ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            ConnectionAddresses a = new ConnectionAddresses().set(client, 1000 + i, new byte[] {127, 0, 0, 1}, 80)
                    .stickTables(name -> name.equals("web") ? table : null);
            assertEquals(i <= 2, rules.accepts(TcpRequestRules.Phase.CONNECTION, new AddressView(a)),
                    "connection " + i + ": its own tracking makes conn_cur " + i);
            open.add(a);
        }
        assertEquals(3, table.peekAddress(client, StickData.CONN_CUR));
        open.forEach(a -> a.tracking().connectionEnded());
        assertEquals(0, table.peekAddress(client, StickData.CONN_CUR));
    }
}
