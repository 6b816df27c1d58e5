package dev.sluice.config;

import static dev.sluice.config.ConfigParserTest.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.backend.BalanceAlgorithm;
import dev.sluice.backend.BalanceSpec;
import dev.sluice.backend.HashFunction;
import dev.sluice.backend.HashType;
import dev.sluice.backend.RetryPolicy;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** balance, hash-type, allbackups, retries, redispatch, retry-on and the server's weight, backup and disabled. */
class BalanceConfigTest {
    private static BackendConfig backend(String lines) throws ConfigException {
        return parse("frontend f\n mode http\n bind :80\n default_backend b\nbackend b\n mode http\n" + lines
                + "\n server s 127.0.0.1:1\n").backends().get(0);
    }

    private static String refusal(String lines) {
        return assertThrows(ConfigException.class, () -> backend(lines)).getMessage();
    }

    /** Reads a file the check refuses (it asks for retries) and returns its backend sections' model. */
    private static List<ProxySection> readRefused(String text, String... expectedErrors) {
        ConfigParser parser = new ConfigParser("t.cfg", 4);
        ConfigException e = assertThrows(ConfigException.class, () -> parser.read(text));
        assertEquals(List.of(expectedErrors), e.messages());
        return parser.backendSections();
    }

    @Test
    void everyAlgorithmIsReadWithItsArguments() throws ConfigException {
        assertEquals(BalanceSpec.of(BalanceAlgorithm.STATIC_RR), backend("balance static-rr").balance());
        assertEquals(BalanceSpec.of(BalanceAlgorithm.LEASTCONN), backend("balance leastconn").balance());
        assertEquals(BalanceSpec.of(BalanceAlgorithm.FIRST), backend("balance first").balance());
        assertEquals(BalanceSpec.of(BalanceAlgorithm.SOURCE), backend("balance source").balance());
        assertEquals(BalanceSpec.of(BalanceAlgorithm.RANDOM), backend("balance random").balance());
        assertEquals(5, backend("balance random(5)").balance().draws());
        assertEquals(new BalanceSpec.UriKey(true, true, 10, 3),
                backend("balance uri whole len 10 depth 3 path-only").balance().uri());
        assertEquals(BalanceSpec.of(BalanceAlgorithm.URL_PARAM, "user"), backend("balance url_param user").balance());
        BalanceSpec hdr = backend("balance hdr(Host) use_domain_only").balance();
        assertEquals("host", hdr.argument());
        assertTrue(hdr.domainOnly());
    }

    @Test
    void hashTypeSetsTheMethodFunctionAndModifierAsHaproxyDefaultsThem() throws ConfigException {
        BalanceSpec plain = backend("balance uri").balance();
        assertEquals(HashType.MAP_BASED, plain.hashType());
        assertEquals(HashFunction.SDBM, plain.hashFunction());
        assertTrue(!plain.avalanche());
        BalanceSpec consistent = backend("balance uri\n hash-type consistent").balance();
        assertEquals(HashType.CONSISTENT, consistent.hashType());
        assertTrue(consistent.avalanche(), "consistent without a function is sdbm with avalanche");
        BalanceSpec named = backend("hash-type consistent wt6\n balance source").balance();
        assertEquals(HashFunction.WT6, named.hashFunction());
        assertTrue(!named.avalanche(), "a function named without the modifier has none");
        assertTrue(backend("balance uri\n hash-type map-based crc32 avalanche").balance().avalanche());
    }

    @Test
    void defaultsCarryBalanceHashTypeAllbackupsAndRetriesAndASectionMayUndoThem() {
        List<ProxySection> c = readRefused("""
                defaults
                    mode http
                    balance uri
                    hash-type consistent
                    option allbackups
                    retries 5
                    option redispatch 2
                frontend f
                    bind :80
                    default_backend a
                backend a
                    server s 127.0.0.1:1
                backend b
                    balance leastconn
                    no option allbackups
                    no option redispatch
                    server s 127.0.0.1:1
                """, "t.cfg:6: 'retries' is read, but Sluice does not retry a failed connection yet; write 'retries 0'"
                + " until it does");
        BalanceSpec a = c.get(0).balancing.balance(Mode.HTTP);
        assertEquals(BalanceAlgorithm.URI, a.algorithm());
        assertEquals(HashType.CONSISTENT, a.hashType());
        assertEquals(BalanceSpec.BackupUse.ALL, a.backups());
        assertEquals(new RetryPolicy(5, true, 2, Set.of(RetryPolicy.RetryOn.CONN_FAILURE), Set.of()),
                c.get(0).balancing.retry());
        BalanceSpec b = c.get(1).balancing.balance(Mode.HTTP);
        assertEquals(BalanceAlgorithm.LEASTCONN, b.algorithm());
        assertEquals(BalanceSpec.BackupUse.FIRST, b.backups());
        assertTrue(!c.get(1).balancing.retry().redispatch());
        assertEquals(5, c.get(1).balancing.retry().retries());
    }

    @Test
    void retriesAndRetryOnAreReadButRefusedUntilTheServerLinkRetriesExceptWhenTheyAskForNone() throws ConfigException {
        assertEquals("t.cfg:7: 'retries' is read, but Sluice does not retry a failed connection yet; write 'retries 0'"
                + " until it does", refusal("retries 3"));
        assertEquals("t.cfg:7: 'retry-on' is read, but Sluice does not retry a failed request yet; write 'retry-on"
                + " none' until it does", refusal("retry-on 503"));
        assertEquals(0, backend("retries 0").retry().retries());
        assertEquals(Set.of(), backend("retries 2\n retry-on none").retry().on(), "no event calls for a retry");
    }

    @Test
    void retriesDefaultToThreeOnConnectionFailureWithoutRedispatch() throws ConfigException {
        assertEquals(RetryPolicy.DEFAULT, backend("").retry());
        RetryPolicy r = backend("option redispatch").retry();
        assertTrue(r.redispatch());
        assertEquals(RetryPolicy.LAST_RETRY, r.redispatchInterval());
        assertEquals(-2, backend("option redispatch -2").retry().redispatchInterval());
    }

    @Test
    void retryOnReplacesTheListAndExpandsAllRetryableErrors() {
        String refusal = "t.cfg:7: 'retry-on' is read, but Sluice does not retry a failed request yet; write"
                + " 'retry-on none' until it does";
        RetryPolicy r = readRefused(FILE.formatted("retry-on 503 empty-response"), refusal).get(0).balancing.retry();
        assertEquals(Set.of(RetryPolicy.RetryOn.EMPTY_RESPONSE), r.on());
        assertEquals(Set.of(503), r.statuses());
        RetryPolicy all = readRefused(FILE.formatted("retry-on all-retryable-errors"), refusal).get(0).balancing.retry();
        assertEquals(EnumSet.allOf(RetryPolicy.RetryOn.class), all.on());
        assertEquals(Set.of(500, 502, 503, 504), all.statuses());
    }

    private static final String FILE = "frontend f\n mode http\n bind :80\n default_backend b\nbackend b\n mode http\n"
            + " %s\n server s 127.0.0.1:1\n";

    @Test
    void serverWeightBackupAndDisabledAreRead() throws ConfigException {
        Config c = parse("frontend f\n bind :80\n default_backend b\nbackend b\n default-server weight 7\n"
                + " server a 127.0.0.1:1\n server b 127.0.0.1:2 weight 0 backup\n server c 127.0.0.1:3 disabled\n"
                + " default-server disabled\n server d 127.0.0.1:4 enabled no-backup\n");
        List<ServerConfig> s = c.backends().get(0).servers();
        assertEquals(7, s.get(0).weight());
        assertEquals(0, s.get(1).weight());
        assertTrue(s.get(1).backup());
        assertTrue(s.get(2).disabled());
        assertTrue(!s.get(3).disabled() && !s.get(3).backup());
    }

    @Test
    void aLayer7AlgorithmInModeTcpFallsBackToRoundRobinWithAWarningAsInHaproxy() throws ConfigException {
        Config c = parse("frontend f\n bind :80\n default_backend b\nbackend b\n balance uri\n server s 127.0.0.1:1\n");
        assertEquals(BalanceAlgorithm.ROUNDROBIN, c.backends().get(0).balance().algorithm());
        assertEquals(List.of("t.cfg:5: warning: balance uri needs mode http; backend 'b' is in mode tcp and"
                + " balances roundrobin instead, as HAProxy does"), c.warnings());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "balance leastconn now|t.cfg:7: balance: 'balance leastconn' takes no argument, got 'now'",
        "balance hdr()|t.cfg:7: balance: hdr needs a header field name: balance hdr(<name>)",
        "balance url_param|t.cfg:7: balance: url_param needs the name of a URL parameter: balance url_param <name>",
        "balance url_param id check_post|t.cfg:7: balance: url_param's 'check_post' (hashing a parameter of a POST"
            + " body) is not supported by Sluice; the parameter is looked up in the query string only",
        "balance uri len 0|t.cfg:7: balance: expected a whole number >= 1, got '0'",
        "balance uri deep|t.cfg:7: balance: uri only takes 'len', 'depth', 'path-only' and 'whole', got 'deep'",
        "balance random(0)|t.cfg:7: balance: expected a whole number from 1 to 1000, got '0'",
        "hash-type rendezvous|t.cfg:7: hash-type: expected map-based or consistent, got 'rendezvous'",
        "hash-type consistent md5|t.cfg:7: hash-type: the hash function must be sdbm, djb2, wt6 or crc32, got 'md5'",
        "hash-type consistent sdbm full|t.cfg:7: hash-type: the only hash modifier is avalanche, got 'full'",
        "retry-on sometimes|t.cfg:7: retry-on: retry-on does not know 'sometimes'; it takes none, conn-failure,"
            + " empty-response, junk-response, response-timeout, 0rtt-rejected, all-retryable-errors or one of the"
            + " statuses 401, 403, 404, 408, 425, 500, 501, 502, 503, 504",
        "retry-on none 503|t.cfg:7: retry-on: retry-on none cannot be combined with other keywords",
    })
    void badBalancingLinesAreRefusedWithTheirLine(String line, String message) {
        assertEquals(message, refusal(line));
    }

    @Test
    void algorithmNamesAreMatchedExactlyAsInHaproxy() {
        assertEquals("t.cfg:7: balance: unknown algorithm 'RoundRobin'; expected " + BalanceKeywords.BALANCE_USAGE,
                refusal("balance RoundRobin"));
    }

    @Test
    void aWeightAboveTheLimitIsRefused() {
        String m = assertThrows(ConfigException.class, () -> parse("frontend f\n bind :80\n default_backend b\n"
                + "backend b\n server s 127.0.0.1:1 weight 257\n")).getMessage();
        assertEquals("t.cfg:5: server s weight: expected a whole number from 0 to 256, got '257'", m);
    }
}
