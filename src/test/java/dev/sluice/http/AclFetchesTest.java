package dev.sluice.http;

import static dev.sluice.http.RuleRequests.acl;
import static dev.sluice.http.RuleRequests.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fetches real configurations use beyond path, hdr and the addresses: url, regexes, counts, nbsrv, ssl_fc. */
class AclFetchesTest {
    private static ParsedRequest req(String target, String... fields) {
        String[] lines = new String[fields.length + 1];
        lines[0] = "GET " + target + " HTTP/1.1";
        System.arraycopy(fields, 0, lines, 1, fields.length);
        return request("192.0.2.7", lines);
    }

    @Test
    void urlReadsTheWholeTargetQueryIncluded() {
        ParsedRequest r = req("/static/a.css?v=2", "Host: h");
        assertTrue(acl(Fetch.URL, null, AclMatch.BEG, false, "/static/").matches(r));
        assertTrue(acl(Fetch.URL, null, AclMatch.END, false, "?v=2").matches(r));
        assertFalse(acl(Fetch.PATH, null, AclMatch.END, false, "?v=2").matches(r));
        assertTrue(acl(Fetch.URL, null, AclMatch.STR, false, "/static/a.css?v=2").matches(r));
    }

    @Test
    void aRegexFindsItsMatchAnywhereUnlessAnchored() {
        ParsedRequest r = req("/api/v2/users.json", "Host: Example.COM");
        assertTrue(acl(Fetch.PATH, null, AclMatch.REG, false, "\\.json$").matches(r));
        assertTrue(acl(Fetch.PATH, null, AclMatch.REG, false, "^/api/v[0-9]+/").matches(r));
        assertFalse(acl(Fetch.PATH, null, AclMatch.REG, false, "^/v[0-9]+/").matches(r));
        assertFalse(acl(Fetch.HDR, "host", AclMatch.REG, false, "^example\\.com$").matches(r));
        assertTrue(acl(Fetch.HDR, "host", AclMatch.REG, true, "^example\\.com$").matches(r));
        assertTrue(acl(Fetch.URL, null, AclMatch.REG, false, "nomatch", "users").matches(r), "any value may match");
    }

    @Test
    void hdrCntCountsEveryValueOfTheNameOrOfEveryField() {
        ParsedRequest r = req("/", "Host: h", "Content-Length: 3", "X-A: 1, 2", "x-a: 3");
        assertTrue(acl(Fetch.HDR_CNT, "x-a", AclMatch.INT, false, "3").matches(r));
        assertTrue(acl(Fetch.HDR_CNT, "content-length", AclMatch.INT, false, "gt", "0").matches(r));
        assertFalse(acl(Fetch.HDR_CNT, "content-length", AclMatch.INT, false, "gt", "1").matches(r));
        assertTrue(acl(Fetch.HDR_CNT, "cookie", AclMatch.INT, false, "eq", "0").matches(r));
        assertTrue(acl(Fetch.HDR_CNT, null, AclMatch.INT, false, "5").matches(r));
    }

    @Test
    void integerOperatorsCompareAsHaproxysDo() {
        Acl lt = acl(Fetch.DST_PORT, null, AclMatch.INT, false, "lt", "1");
        assertTrue(lt.matchesNumber(0));
        assertFalse(lt.matchesNumber(1));
        Acl ge = acl(Fetch.DST_PORT, null, AclMatch.INT, false, "ge", "8000", "80");
        assertTrue(ge.matchesNumber(80));
        assertTrue(ge.matchesNumber(9000));
        assertFalse(ge.matchesNumber(81));
        assertTrue(acl(Fetch.DST_PORT, null, AclMatch.INT, false, "le", "2").matchesNumber(2));
        assertThrows(IllegalArgumentException.class, () -> acl(Fetch.DST_PORT, null, AclMatch.INT, false, "gt"));
    }

    @Test
    void nbsrvReadsTheNamedBackendsUsableServers() {
        ParsedRequest r = req("/", "Host: h");
        Acl dead = acl(Fetch.NBSRV, "app", AclMatch.INT, false, "lt", "1");
        r.addresses().servers(backend -> backend.equals("app") ? 0 : 3);
        assertTrue(dead.matches(r));
        r.addresses().servers(backend -> backend.equals("app") ? 2 : 0);
        assertFalse(dead.matches(r));
        assertEquals("app", dead.backend());
    }

    @Test
    void sslFcIsFalseUntilTheConnectionCameOverTls() {
        ParsedRequest r = req("/", "Host: h");
        Acl tls = acl(Fetch.SSL_FC, null, AclMatch.BOOL, false);
        assertFalse(tls.matches(r));
        r.addresses().tls(true);
        assertTrue(tls.matches(r));
    }

    @Test
    void testingARegexAgainAllocatesNothing() {
        ParsedRequest r = req("/api/v2/users.json", "Host: example.com");
        Acl regex = acl(Fetch.PATH, null, AclMatch.REG, true, "^/API/v[0-9]+/.*\\.json$");
        Acl count = acl(Fetch.HDR_CNT, "host", AclMatch.INT, false, "eq", "1");
        for (int i = 0; i < 10_000; i++) {
            regex.matches(r);
            count.matches(r);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        boolean all = true;
        for (int i = 0; i < 100_000; i++) {
            all &= regex.matches(r) && count.matches(r);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(all);
        assertTrue(allocated < 4096, "100000 tests allocated " + allocated + " bytes");
    }

    @Test
    void reqHdrIsHdrAndNbsrvNeedsABackend() {
        assertThrows(IllegalArgumentException.class, () -> Acl.compile(Fetch.NBSRV, null, AclMatch.INT, false,
                List.of("1")));
        assertThrows(IllegalArgumentException.class, () -> Acl.compile(Fetch.SSL_FC, null, AclMatch.STR, false,
                List.of("1")));
    }
}
