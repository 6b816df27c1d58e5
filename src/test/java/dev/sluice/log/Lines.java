package dev.sluice.log;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;

/** Formats records the way a loop does, for tests. */
final class Lines {
    private Lines() {
    }

    /** A formatter in UTC with pid 4242 and host name {@code vm}. */
    static LineBuilder builder() {
        return new LineBuilder(LogTarget.MAX_MAX_LENGTH, new LocalOffset(ZoneOffset.UTC), 4242, "vm");
    }

    static String format(LogFormat format, LogRecord record) {
        LineBuilder line = builder();
        line.start(LogTarget.MAX_MAX_LENGTH);
        format.format(record, line, 7);
        return new String(line.bytes, 0, line.length(), StandardCharsets.ISO_8859_1);
    }

    static LogFormat compile(String text) {
        try {
            return LogFormat.compile(text, LogMode.HTTP);
        } catch (LogConfigException e) {
            throw new AssertionError(e);
        }
    }

    /** 2026-12-04T01:39:14.994Z, the date of a line HAProxy 2.6 wrote. */
    static final long DATE = 1796348354994L;

    /**
     * The request of HAProxy's own line
     * {@code 127.0.0.1:49960 [04/Dec/2026:01:39:14.994] fe1 be1/srv1 10/1/2/3/20 200 58 - - ---- 1/1/0/0/0 0/0 "GET /a/b?c=d HTTP/1.1"}.
     */
    static LogRecord served() {
        LogRecord r = new LogRecord();
        r.accepted(1_000_000_000L, DATE);
        r.requestStarted(1_000_000_000L);
        r.requestReady(1_010_000_000L);
        r.queueLeft(1_011_000_000L);
        r.connected(1_013_000_000L);
        r.responseReady(1_016_000_000L);
        r.ended(1_020_000_000L);
        r.clientIpv4(0x7F000001, 49960);
        r.frontend("fe1");
        r.backend("be1");
        r.server("srv1");
        r.status(200);
        r.bytesToClient(58);
        r.bytesFromClient(45);
        r.connections(1, 1, 0, 0);
        r.request("GET", "/a/b?c=d", "HTTP/1.1");
        return r;
    }
}
