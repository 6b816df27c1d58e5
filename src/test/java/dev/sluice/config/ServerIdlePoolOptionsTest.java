package dev.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The server options of the idle connection pool: {@code pool-purge-delay} and {@code pool-max-conn}. */
class ServerIdlePoolOptionsTest {
    private static ServerConfig server(String options) throws ConfigException {
        return ConfigParserTest.parse("frontend f\n bind :80\n default_backend b\nbackend b\n mode tcp\n"
                + " server a 127.0.0.1:81 " + options + "\n").backends().get(0).servers().get(0);
    }

    @Test
    void withoutOptionsIdleConnectionsLastFiveSecondsAndAreNotLimited() throws ConfigException {
        ServerConfig s = server("");
        assertEquals(5_000, s.poolPurgeDelayMillis());
        assertEquals(-1, s.poolMaxConn());
    }

    @ParameterizedTest
    @CsvSource({"200ms, 200", "200, 200", "2s, 2000", "1m, 60000", "0, 0", "1us, 1"})
    void poolPurgeDelayTakesHaproxyTimeUnits(String text, long millis) throws ConfigException {
        assertEquals(millis, server("pool-purge-delay " + text).poolPurgeDelayMillis());
    }

    @ParameterizedTest
    @CsvSource({"-1, -1", "0, 0", "1, 1", "500, 500"})
    void poolMaxConnTakesMinusOneOrAWholeNumber(String text, int value) throws ConfigException {
        assertEquals(value, server("pool-max-conn " + text).poolMaxConn());
    }

    @Test
    void bothOptionsMixWithTheOthers() throws ConfigException {
        ServerConfig s = server("maxconn 3 pool-max-conn 7 pool-purge-delay 1s maxqueue 2");
        assertEquals(3, s.maxconn());
        assertEquals(2, s.maxqueue());
        assertEquals(7, s.poolMaxConn());
        assertEquals(1_000, s.poolPurgeDelayMillis());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "pool-purge-delay|server a: 'pool-purge-delay' needs a value: pool-purge-delay <time>",
        "pool-purge-delay soon|server a pool-purge-delay: expected a time like 5s or 500ms (units us, ms, s, m, h, d), got 'soon'",
        "pool-purge-delay -1s|server a pool-purge-delay: expected a time like 5s or 500ms (units us, ms, s, m, h, d), got '-1s'",
        "pool-purge-delay 30d|server a pool-purge-delay: time '30d' is too large (at most 2147483647ms, about 24 days)",
        "pool-max-conn|server a: 'pool-max-conn' needs a value: pool-max-conn <number>",
        "pool-max-conn -2|server a pool-max-conn: expected -1 (no limit) or a whole number >= 0, got '-2'",
        "pool-max-conn many|server a pool-max-conn: expected a whole number >= 0, got 'many'",
        "pool-max-conn 99999999999|server a pool-max-conn: expected a whole number >= 0, got '99999999999'",
    })
    void badValuesAreRefusedWithFileAndLine(String options, String reason) {
        ConfigParserTest.assertRefused("frontend f\n bind :80\n default_backend b\nbackend b\n mode tcp\n"
                + " server a 127.0.0.1:81 " + options + "\n", "t.cfg:6: " + reason);
    }
}
