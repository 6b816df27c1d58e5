package dev.sluice.http;

import dev.sluice.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.sluice.http.TestBytes.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionOptionsTest {
    private static final HttpLimits LIMITS = HttpLimits.forBuffer(16384, 1024);

    private final Buffer buffer = TestBytes.newBuffer();

    @ParameterizedTest(name = "{0} with Connection ''{1}'' keeps alive: {2}")
    @CsvSource(delimiter = '|', value = {
            "1.1 | | true",
            "1.1 | close | false",
            "1.1 | Keep-Alive, CLOSE | false",
            "1.1 | upgrade | true",
            "1.0 | | false",
            "1.0 | keep-alive | true",
            "1.0 | , keep-alive , | true",
            "1.0 | keep-alive, close | false",
            "1.0 | keep-alives | false",
    })
    void requestPersistenceFollowsVersionAndOptions(String version, String options, boolean keepAlive) {
        String connection = options == null ? "" : "Connection: " + options + "\r\n";
        HttpHeadParser parser = new HttpHeadParser(MessageKind.REQUEST, LIMITS);
        TestBytes.load(buffer, 0, bytes("GET / HTTP/" + version + "\r\nHost: a\r\n" + connection + "\r\n"));

        assertEquals(HttpHeadParser.Progress.COMPLETE, parser.parse(buffer));

        assertEquals(keepAlive, parser.keepAlive());
    }

    @Test
    void optionsFromSeveralConnectionLinesAddUp() {
        HttpHeadParser parser = new HttpHeadParser(MessageKind.RESPONSE, LIMITS);
        TestBytes.load(buffer, 0, bytes("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\nConnection: X-Trace\r\n\r\n"));
        parser.parse(buffer);
        assertEquals(ConnectionOptions.KEEP_ALIVE | ConnectionOptions.OTHER, parser.connectionOptions());
        assertTrue(parser.keepAlive());
    }

    @Test
    void fieldsNamedByConnectionAreHopByHop() {
        HttpHeadParser parser = new HttpHeadParser(MessageKind.REQUEST, LIMITS);
        TestBytes.load(buffer, 0, bytes("GET / HTTP/1.1\r\nHost: a\r\nConnection: close, x-secret\r\nX-Secret: 1\r\nX-Secret-2: 2\r\n\r\n"));
        parser.parse(buffer);

        assertTrue(parser.isNominatedByConnection(buffer, 2));
        assertFalse(parser.isNominatedByConnection(buffer, 3));
        assertFalse(parser.isNominatedByConnection(buffer, 0));
    }

    @Test
    void persistenceRuleOfRfc9112() {
        assertTrue(ConnectionOptions.persistent(1, 0));
        assertFalse(ConnectionOptions.persistent(1, ConnectionOptions.CLOSE));
        assertFalse(ConnectionOptions.persistent(0, ConnectionOptions.OTHER));
        assertTrue(ConnectionOptions.persistent(0, ConnectionOptions.KEEP_ALIVE));
    }
}
