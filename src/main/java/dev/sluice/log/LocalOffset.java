package dev.sluice.log;

import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;

/**
 * The local time zone's offset from UTC at an instant, cached between the zone's
 * transitions: looking it up allocates, so it is looked up again only when a
 * date falls outside the period the cached offset holds for (at most once per
 * daylight-saving change, and once a day).
 *
 * <p>Not thread-safe: one per formatting thread.
 */
final class LocalOffset {
    private static final long DAY_MILLIS = 86_400_000L;

    private final ZoneRules rules;
    private long validFrom = Long.MAX_VALUE;
    private long validUntil = Long.MIN_VALUE;
    private int offsetSeconds;

    LocalOffset(ZoneId zone) {
        rules = zone.getRules();
    }

    static LocalOffset system() {
        return new LocalOffset(ZoneId.systemDefault());
    }

    /** The offset in seconds at {@code epochMillis}. */
    int secondsAt(long epochMillis) {
        if (epochMillis < validFrom || epochMillis >= validUntil) {
            refresh(epochMillis);
        }
        return offsetSeconds;
    }

    private void refresh(long epochMillis) {
        Instant at = Instant.ofEpochMilli(epochMillis);
        offsetSeconds = rules.getOffset(at).getTotalSeconds();
        ZoneOffsetTransition previous = rules.previousTransition(at);
        ZoneOffsetTransition next = rules.nextTransition(at);
        validFrom = Math.max(previous == null ? Long.MIN_VALUE : previous.toEpochSecond() * 1000,
                epochMillis - DAY_MILLIS);
        validUntil = Math.min(next == null ? Long.MAX_VALUE : next.toEpochSecond() * 1000, epochMillis + DAY_MILLIS);
    }
}
