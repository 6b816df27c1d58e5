package dev.sluice.buffer;

import java.util.function.LongSupplier;

/** A clock the test moves by hand, so wait times are exact. Not thread-safe. */
final class FakeClock implements LongSupplier {
    private long now;

    @Override
    public long getAsLong() {
        return now;
    }

    void advance(long nanos) {
        now += nanos;
    }
}
