package dev.sluice.config;

import static dev.sluice.config.ConfigParserTest.assertRefused;
import static dev.sluice.config.ConfigParserTest.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code max-body-size}: its sizes, where it may be set, and every refusal with its file and line. */
class MaxBodySizeConfigTest {
    /** A frontend and a backend in mode http; a test's line in the frontend is line 4, in the backend line 7. */
    private static String http(String frontendLine, String backendLine) {
        return "frontend f\n mode http\n bind :80\n" + frontendLine + "\n default_backend b\n"
                + "backend b\n" + backendLine + "\n mode http\n server s 127.0.0.1:1\n";
    }

    private static long frontendLimit(String value) throws ConfigException {
        return parse(http(" max-body-size " + value, "")).frontends().get(0).http().maxBodySize();
    }

    @ParameterizedTest(name = "{0} is {1} bytes")
    @CsvSource({
        "0, 0",
        "1, 1",
        "1000, 1000",
        "1k, 1024",
        "1K, 1024",
        "10m, 10485760",
        "2M, 2097152",
        "3g, 3221225472",
        "4194304g, 4503599627370496",
        "4294967296g, 4611686018427387904",
        "4611686018427387904, 4611686018427387904",
    })
    void sizesCountBytesWithSuffixesOfPowersOf1024(String text, long bytes) throws ConfigException {
        assertEquals(bytes, frontendLimit(text));
    }

    @Test
    void absentMeansNoLimitAndTheBackendHasItsOwn() throws ConfigException {
        Config none = parse(http("", ""));
        assertEquals(0, none.frontends().get(0).http().maxBodySize());
        assertEquals(0, none.backends().get(0).http().maxBodySize());
        Config both = parse(http(" max-body-size 4k", " max-body-size 1k"));
        assertEquals(4096, both.frontends().get(0).http().maxBodySize());
        assertEquals(1024, both.backends().get(0).http().maxBodySize());
    }

    @Test
    void defaultsGiveTheLimitToFrontendsAndBackendsThatDoNotSetTheirOwn() throws ConfigException {
        Config config = parse("defaults\n mode http\n max-body-size 2m\n"
                + "frontend f\n bind :80\n default_backend b\n"
                + "backend b\n max-body-size 5k\n server s 127.0.0.1:1\n");
        assertEquals(2 << 20, config.frontends().get(0).http().maxBodySize());
        assertEquals(5 << 10, config.backends().get(0).http().maxBodySize());
    }

    @ParameterizedTest(name = "max-body-size {0}")
    @CsvSource(delimiter = '|', value = {
        "-1|max-body-size: expected a size in bytes, with an optional suffix k, m or g, like 10m, got '-1'",
        "1kb|max-body-size: expected a size in bytes, with an optional suffix k, m or g, like 10m, got '1kb'",
        "1t|max-body-size: expected a size in bytes, with an optional suffix k, m or g, like 10m, got '1t'",
        "1.5m|max-body-size: expected a size in bytes, with an optional suffix k, m or g, like 10m, got '1.5m'",
        "k|max-body-size: expected a size in bytes, with an optional suffix k, m or g, like 10m, got 'k'",
        "4294967297g|max-body-size: size '4294967297g' is too large (at most 4611686018427387904 bytes)",
        "4611686018427387905|max-body-size: size '4611686018427387905' is too large (at most 4611686018427387904"
            + " bytes)",
        "99999999999999999999|max-body-size: size '99999999999999999999' is too large (at most"
            + " 4611686018427387904 bytes)",
    })
    void badSizesAreRefusedAtTheirLine(String value, String reason) {
        assertRefused(http(" max-body-size " + value, ""), "t.cfg:4: " + reason);
        assertRefused(http("", " max-body-size " + value), "t.cfg:7: " + reason);
    }

    @Test
    void aSecondLineInOneSectionWinsWithAWarning() throws ConfigException {
        Config config = ConfigParserTest.parse(http(" max-body-size 1k\n max-body-size 2k", ""));
        assertEquals(2048, config.frontends().get(0).http().maxBodySize());
        assertEquals(List.of("t.cfg:5: warning: 'max-body-size' is set again (line 4 set it first); this line's value"
                + " wins, as in HAProxy"), config.warnings());
    }

    @Test
    void modeTcpRefusesItAtTheLineThatSetIt() {
        assertRefused("frontend f\n bind :80\n max-body-size 1m\n default_backend b\n"
                + "backend b\n server s 127.0.0.1:1\n",
                "t.cfg:3: max-body-size needs mode http, but frontend 'f' is in mode tcp (line 1)");
        assertRefused("frontend f\n bind :80\n default_backend b\n"
                + "backend b\n server s 127.0.0.1:1\n max-body-size 1m\n",
                "t.cfg:6: max-body-size needs mode http, but backend 'b' is in mode tcp (line 4)");
        assertRefused("defaults\n max-body-size 1m\n"
                + "frontend f\n bind :80\n default_backend b\nbackend b\n server s 127.0.0.1:1\n",
                "t.cfg:2: max-body-size needs mode http, but frontend 'f' is in mode tcp (line 3)");
    }

    @Test
    void zeroIsNoLimitAndIsAcceptedInModeTcp() throws ConfigException {
        Config config = parse("defaults\n max-body-size 0\n"
                + "frontend f\n bind :80\n default_backend b\nbackend b\n server s 127.0.0.1:1\n");
        assertEquals(0, config.frontends().get(0).http().maxBodySize());
    }
}
