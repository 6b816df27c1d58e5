package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ACL fetches real configurations use, as a client and a server see them:
 * regular expressions, url, req.hdr, hdr_cnt, nbsrv and ssl_fc, each deciding
 * a rule on a real connection.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpAclFetchesEndToEndTest extends HttpEndToEnd {
    @Test
    void theFetchesOfRealFilesDecideTheirRules() throws Exception {
        HttpTestOrigin origin = origin();
        start(cfg(origin).frontend(
                "acl json path_reg -i \\.json$",
                "acl spare_down nbsrv(spare) lt 1",
                "acl app_up nbsrv(app) ge 1",
                "http-request deny deny_status 400 if { hdr_cnt(x-dup) gt 1 }",
                "http-request return status 200 content-type text/plain string json if json",
                "http-request return status 202 content-type text/plain string query if { url_beg /q? }",
                "http-request return status 203 content-type text/plain string agent if { req.hdr(user-agent) -m reg"
                        + " ^curl/[0-9] }",
                "http-request set-header X-Spare down if spare_down app_up",
                "http-request set-header X-Proto http unless { ssl_fc }")
                .more("backend spare", "    server s9 127.0.0.1:1 disabled"));
        HttpWire w = wire();
        assertEquals(200, w.exchange(get("/data/Users.JSON")).status());
        assertEquals(202, w.exchange(get("/q?x=1")).status());
        assertEquals(203, w.exchange("GET /a HTTP/1.1\r\nHost: t\r\nUser-Agent: curl/8.1\r\n\r\n").status());
        assertEquals(400, wire().exchange("GET /a HTTP/1.1\r\nHost: t\r\nX-Dup: 1\r\nX-Dup: 2\r\n\r\n").status());
        HttpWire.Response r = w.exchange("GET /headers HTTP/1.1\r\nHost: t\r\nX-Dup: 1\r\n\r\n");
        assertEquals(200, r.status());
        HttpTestOrigin.Request seen = origin.requests().get(0);
        assertEquals("down", seen.header("x-spare"));
        assertEquals("http", seen.header("x-proto"));
        assertEquals(1, origin.requestCount(), "only the last request reaches the server");
    }
}
