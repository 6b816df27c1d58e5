package dev.sluice.config;

import static dev.sluice.config.ConfigParserTest.assertRefused;
import static dev.sluice.config.ConfigParserTest.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.http.StickRule;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** stick on, stick match, stick store-request: what each line becomes, and every refusal with its file and line. */
class StickPersistConfigTest {
    /** The backend's first test line is line 9. */
    private static final String HEAD = "frontend web\n mode http\n bind :80\n default_backend b\nbackend b\n mode http\n"
            + " server s1 127.0.0.1:1\n server s2 127.0.0.1:2\n";

    private static Config config(String lines) throws ConfigException {
        return parse(HEAD + lines);
    }

    private static List<StickRuleSpec> rules(Config c) {
        return c.backend("b").orElseThrow().routing().stickRules();
    }

    @Test
    void everyPatternIsRead() throws ConfigException {
        Config c = config("""
                 stick-table type string len 64 size 1k expire 30m
                 stick on req.cook(JSESSIONID)
                 stick match hdr(X-User) table b if { path_beg /api }
                 stick store-request url_param(sid)
                 stick match urlp(uid)
                 stick on cook(c) unless { method POST }
                 stick store-request req.hdr(x-id)
                """);
        List<StickRuleSpec> r = rules(c);
        assertEquals(6, r.size());
        assertEquals(new StickRuleSpec(StickRule.Kind.ON, StickRule.Source.COOKIE, "JSESSIONID", "req.cook(JSESSIONID)",
                "b", null, 10), r.get(0));
        assertEquals(StickRule.Kind.MATCH, r.get(1).kind());
        assertEquals(StickRule.Source.HEADER, r.get(1).source());
        assertEquals("X-User", r.get(1).name());
        assertTrue(r.get(1).condition() != null && !r.get(1).condition().unless());
        assertEquals(StickRule.Kind.STORE, r.get(2).kind());
        assertEquals(StickRule.Source.URL_PARAM, r.get(2).source());
        assertEquals(StickRule.Source.URL_PARAM, r.get(3).source());
        assertEquals(StickRule.Source.COOKIE, r.get(4).source());
        assertTrue(r.get(4).condition().unless());
        assertEquals("stick store-request", r.get(5).keyword());
        assertTrue(c.stickTable("b").orElseThrow().serverIds(), "a table a stick rule names keeps server ids");
    }

    @Test
    void aTableOfAnotherSectionKeepsServerIdsAndOnlyThen() throws ConfigException {
        Config c = parse("""
                frontend web
                 mode tcp
                 bind :80
                 stick-table type ip size 10 store conn_cur
                 default_backend b
                backend b
                 mode tcp
                 stick on src table pool
                 server s1 127.0.0.1:1
                backend pool
                 stick-table type ip size 200k expire 30m
                backend other
                 stick-table type ip size 10 store server_id
                """);
        assertTrue(c.stickTable("pool").orElseThrow().serverIds());
        assertFalse(c.stickTable("web").orElseThrow().serverIds(), "no stick rule names it");
        assertTrue(c.stickTable("other").orElseThrow().serverIds(), "store server_id asks for it");
        assertEquals(dev.sluice.stick.StickTable.bytesFor(dev.sluice.stick.StickTable.Type.IP, 0, 204_800,
                java.util.Set.of()) + 8L * 204_800, c.stickTable("pool").orElseThrow().bytes(),
                "a server id and a server name number, 4 bytes each, per entry, counted");
        assertEquals("pool", rules(c).get(0).table());
    }

    @Test
    void aListenSectionTakesThem() throws ConfigException {
        Config c = parse("""
                listen app
                 mode http
                 bind :80
                 stick-table type ip size 1m expire 30m
                 stick on src
                 server s1 127.0.0.1:1
                """);
        assertEquals(1, c.backend("app").orElseThrow().routing().stickRules().size());
        assertEquals(1, c.backend("app").orElseThrow().httpRules(c.frontends().get(0)).stickRules().size(),
                "the listen section's backend half runs them");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
             stick on if { path_beg / } | t.cfg:9: stick on: needs a pattern: write src (or req.hdr(NAME), req.cook(NAME), url_param(NAME))
             stick on path | t.cfg:9: stick on: the pattern 'path' is not supported by Sluice (supported: src, req.hdr(NAME), req.cook(NAME), url_param(NAME))
             stick on src,ipmask(24) | t.cfg:9: stick on: the pattern 'src,ipmask(24)' is not supported by Sluice (supported: src, req.hdr(NAME), req.cook(NAME), url_param(NAME); converters are not supported)
             stick match req.hdr(x),lower | t.cfg:9: stick match: the pattern 'req.hdr(x),lower' is not supported by Sluice (supported: src, req.hdr(NAME), req.cook(NAME), url_param(NAME); converters are not supported)
             stick on req.hdr(x-id,1) | t.cfg:9: stick on: 'req.hdr(x-id,1)': write req.hdr(NAME) with one name, without an occurrence number
             stick on url_param(id,;) | t.cfg:9: stick on: 'url_param(id,;)': write url_param(NAME) with one name, without a delimiter
             stick on req.cook() | t.cfg:9: stick on: 'req.cook()': write req.cook(NAME) with one name
             stick on src tabel x | t.cfg:9: stick on: unexpected 'tabel' (expected table NAME, then if or unless)
             stick on src table | t.cfg:9: stick on: 'table' needs the name of a section with a stick-table
             stick on src if nowhere | t.cfg:9: stick on: no ACL named 'nowhere' above this line in backend 'b'
             stick on src | t.cfg:9: stick on: backend 'b' has no stick-table; declare one, as in 'stick-table type ip size 100k expire 30s store http_req_rate(10s)'; or name the section that has one with 'table NAME'
             stick store-request src table nowhere | t.cfg:9: stick store-request: no section named 'nowhere' has a stick-table; declare one, as in 'stick-table type ip size 100k expire 30s store http_req_rate(10s)'; or name the section that has one with 'table NAME'
             stick store-response res.hdr(x) | t.cfg:9: 'stick store-response' is not supported by Sluice: Sluice reads stick keys from the request only (src, req.hdr, req.cook, url_param), so a key the server sets cannot be learnt; write 'stick store-request' (or 'stick on') of the key the client sends back, as in 'stick on req.cook(NAME)'
             stick colour src | t.cfg:9: 'stick colour' is not supported by Sluice: Sluice's stick rules are stick on, stick match and stick store-request
            """)
    void refusals(String line, String message) {
        assertRefused(HEAD + line + "\n", message);
    }

    @Test
    void aRuleNeedsAPattern() {
        assertRefused(HEAD + " stick on\n", "t.cfg:9: 'stick on' takes at least 1 arguments (stick on <pattern>"
                + " [table <table>] [if|unless <condition>]), got 0");
    }

    @Test
    void aKeyMustFitItsTable() {
        assertRefused(HEAD + " stick-table type ip size 10\n stick on req.cook(s)\n", "t.cfg:10: stick on: the key"
                + " req.cook(s) is a string, but the stick-table of 'b' (line 9) is of type ip; track it in a 'type"
                + " string' table");
        assertRefused(HEAD + " stick-table type string size 10\n stick match src\n", "t.cfg:10: stick match: the key"
                + " src is an address, but the stick-table of 'b' (line 9) is of type string; track it in a 'type ip'"
                + " or 'type ipv6' table");
    }

    @Test
    void theServerColumnsCountAgainstTheCap() {
        // 4,000,000 entries of 96 + 4 + 24 bytes and an index of 2^23 slots: 505 MB alone, 535 MB with the servers.
        assertRefused(HEAD + " stick-table type string len 96 size 4000000\n stick on req.cook(s)\n", "t.cfg:9:"
                + " stick-table: with the server of each entry, which stick on (line 10) stores, the table would take"
                + " 535 MB, over the 512 MB Sluice allows a table (it allocates every entry at start-up): lower"
                + " 'size'");
    }

    @Test
    void modeTcpTakesSrcOnly() {
        assertRefused("""
                frontend web
                 mode tcp
                 bind :80
                 default_backend b
                backend b
                 mode tcp
                 stick-table type string size 10
                 stick on req.hdr(host)
                 server s1 127.0.0.1:1
                """, "t.cfg:8: stick on req.hdr(host) reads the HTTP request, but backend 'b' is in mode tcp; write"
                + " 'stick on src'");
    }

    @Test
    void notInAFrontendNorInDefaults() {
        assertRefused("""
                frontend web
                 mode http
                 bind :80
                 stick-table type ip size 10
                 stick on src
                 default_backend b
                backend b
                 server s1 127.0.0.1:1
                """, "t.cfg:5: 'stick on' is not allowed in a frontend: frontend 'web' has no backend capability"
                + " (HAProxy ignores the line for that reason); write it in the backend or listen section that"
                + " chooses the servers");
        assertRefused("""
                defaults
                 mode http
                 stick match src
                """, "t.cfg:3: 'stick match' is not allowed in a defaults section (it belongs in: listen, backend)");
    }

    @Test
    void srvkeyNameIsTheDefault() throws ConfigException {
        Config c = config(" stick-table type ip size 10 srvkey name\n stick on src\n");
        assertTrue(c.stickTable("b").orElseThrow().serverIds());
        assertNull(rules(c).get(0).name());
    }
}
