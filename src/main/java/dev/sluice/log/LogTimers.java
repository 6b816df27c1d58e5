package dev.sluice.log;

/**
 * HAProxy's timers ({@code %Th %Ti %TR %Tq %Tw %Tc %Tr %Ta %Tt %Td}), in
 * milliseconds, from a record's events: each event is turned into milliseconds
 * since the accept, then subtracted, so that the timers add up as HAProxy's do.
 * A timer whose closing event did not happen is -1.
 *
 * <p>Stateless.
 */
final class LogTimers {
    private LogTimers() {
    }

    static long ms(LogRecord r, long event) {
        return Math.floorDiv(event - r.acceptNanos, 1_000_000L);
    }

    static long handshake(LogRecord r) {
        return r.handshakeNanos == LogRecord.NEVER ? 0 : ms(r, r.handshakeNanos);
    }

    /** Where the request's own timers start: its first byte, or the end of the handshake if none came. */
    static long requestStart(LogRecord r) {
        return r.requestStartNanos != LogRecord.NEVER ? ms(r, r.requestStartNanos) : handshake(r);
    }

    static long requestDate(LogRecord r) {
        return r.acceptEpochMillis + requestStart(r);
    }

    static long idle(LogRecord r) {
        return r.requestStartNanos == LogRecord.NEVER ? -1 : ms(r, r.requestStartNanos) - handshake(r);
    }

    static long requestTime(LogRecord r) {
        if (r.requestStartNanos == LogRecord.NEVER || r.requestReadyNanos == LogRecord.NEVER) {
            return -1;
        }
        return ms(r, r.requestReadyNanos) - ms(r, r.requestStartNanos);
    }

    static long totalRequestTime(LogRecord r) {
        long idle = idle(r);
        long request = requestTime(r);
        return idle < 0 || request < 0 ? -1 : handshake(r) + idle + request;
    }

    static long queueTime(LogRecord r) {
        if (r.queueLeftNanos == LogRecord.NEVER) {
            return -1;
        }
        long from = r.requestReadyNanos != LogRecord.NEVER ? ms(r, r.requestReadyNanos) : handshake(r);
        return ms(r, r.queueLeftNanos) - from;
    }

    static long connectTime(LogRecord r) {
        if (r.connectedNanos == LogRecord.NEVER || r.queueLeftNanos == LogRecord.NEVER) {
            return -1;
        }
        return ms(r, r.connectedNanos) - ms(r, r.queueLeftNanos);
    }

    static long responseTime(LogRecord r) {
        if (r.responseReadyNanos == LogRecord.NEVER || r.connectedNanos == LogRecord.NEVER) {
            return -1;
        }
        return ms(r, r.responseReadyNanos) - ms(r, r.connectedNanos);
    }

    static long activeTime(LogRecord r) {
        return r.endNanos == LogRecord.NEVER ? -1 : ms(r, r.endNanos) - requestStart(r);
    }

    static long totalTime(LogRecord r) {
        return r.endNanos == LogRecord.NEVER ? -1 : ms(r, r.endNanos);
    }

    static long dataTime(LogRecord r) {
        long total = totalTime(r);
        if (total < 0) {
            return -1;
        }
        return total - handshake(r) - Math.max(idle(r), 0) - Math.max(requestTime(r), 0)
                - Math.max(queueTime(r), 0) - Math.max(connectTime(r), 0) - Math.max(responseTime(r), 0);
    }
}
