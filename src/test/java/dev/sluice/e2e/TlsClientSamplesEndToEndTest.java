package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.cli.Sluice;
import dev.sluice.config.ConfigParser;
import dev.sluice.net.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ssl_c_*} sample fetches, as operators pass a client
 * certificate's facts to the servers behind ({@code X-SSL-Client-DN} and the
 * like): Sluice and a real HAProxy 2.6 terminate the same mutual TLS from
 * curl, on one configuration, and the origin gets the same fields from both
 * (its {@code /headers} shows them): the subject and issuer names in
 * OpenSSL's one-line form and in RFC 2253's, entries of them by occurrence,
 * the validity dates, the serial number and the SHA-1 fingerprint through
 * the {@code hex} and {@code base64} converters.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsClientSamplesEndToEndTest extends HttpEndToEnd {
    @TempDir
    Path dir;

    private static String config(int port, int origin, Path site, Path clients) {
        return String.join("\n", "global", "    nbthread 1", "defaults", "    mode http", "    timeout client 10s",
                "    timeout server 10s", "    timeout connect 5s",
                "frontend front",
                "    bind 127.0.0.1:" + port + " ssl crt " + site + " verify required ca-file " + clients,
                "    http-request set-header X-DN %[ssl_c_s_dn]",
                "    http-request set-header X-Issuer %[ssl_c_i_dn]",
                "    http-request set-header X-DN-Quoted %{+Q}[ssl_c_s_dn(CN)]",
                "    http-request set-header X-CN %[ssl_c_s_dn(cn)]",
                "    http-request set-header X-OU \"%[ssl_c_s_dn(OU,1)]|%[ssl_c_s_dn(OU,-1)]|%[ssl_c_s_dn(OU,2)]\"",
                "    http-request set-header X-RFC %[ssl_c_s_dn(,0,rfc2253)]",
                "    http-request set-header X-Dates \"%[ssl_c_notbefore] %[ssl_c_notafter]\"",
                "    http-request set-header X-Serial %[ssl_c_serial,hex]",
                "    http-request set-header X-SHA1 %[ssl_c_sha1,hex]",
                "    http-request set-header X-SHA1-B64 %[ssl_c_sha1,base64]",
                "    http-request set-header X-Used \"%[ssl_c_used] %[ssl_c_verify] %[ssl_fc]\"",
                "    default_backend app",
                "backend app",
                "    server s1 127.0.0.1:" + origin,
                "");
    }

    /** The x- fields the origin got for curl's request through {@code port}, names in lower case. */
    private List<String> fields(int port, Path client) throws Exception {
        Process p = new ProcessBuilder("curl", "-sk", "--max-time", "10", "--cert", client.toString(),
                "https://127.0.0.1:" + port + "/headers").redirectErrorStream(true).start();
        String body = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "curl did not end");
        List<String> out = new ArrayList<>();
        for (String line : body.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).toLowerCase().startsWith("x-")) {
                out.add(line.substring(0, colon).toLowerCase() + line.substring(colon));
            }
        }
        return out;
    }

    @Test
    void theClientCertificatesFactsReachTheServerAsHaproxyWritesThem() throws Exception {
        assumeCurl();
        Path certs = Files.createDirectories(dir.resolve("certs"));
        Path site = TestCertificates.write(certs, "site", "a.test", "a.test");
        // keytool takes the rest of the distinguished name after the common name.
        Path client = TestCertificates.write(dir, "client", "client.test, OU=Ops, OU=Edge, O=Example\\, Inc, C=FR",
                "client.test");
        Path clients = TestCertificates.certificateOnly(client, dir.resolve("clients.pem"));
        HttpTestOrigin origin = origin();
        int mine = FreePorts.next();
        sluice = Sluice.start(ConfigParser.parse("mtls.cfg", config(mine, origin.port(), site, clients)));
        List<String> ours = fields(mine, client);
        int theirPort = FreePorts.next();
        List<String> theirs;
        try (Haproxy h = new Haproxy(dir.resolve("haproxy"), config(theirPort, origin.port(), site, clients),
                theirPort)) {
            theirs = fields(theirPort, client);
        }
        // HAProxy's fields first: the test holds Sluice to them, not to itself.
        assertTrue(theirs.contains("x-dn: /C=FR/O=Example, Inc/OU=Edge/OU=Ops/CN=client.test"), theirs.toString());
        assertTrue(theirs.contains("x-ou: Edge|Ops|Ops"), theirs.toString());
        assertTrue(theirs.contains("x-dn-quoted: client.test"), theirs.toString());
        assertEquals(11, theirs.size(), theirs.toString());
        assertEquals(theirs, ours);
    }
}
