package dev.sluice.buffer;

import java.util.List;

/**
 * A waiter that keeps what it was handed and, when given a log, appends itself
 * to it on every wakeup so a test can check the order of service. Not thread-safe.
 */
final class RecordingWaiter extends BufferWaiter {
    final String name;
    private final List<RecordingWaiter> wakeLog;
    /** The buffer last handed over, or null (never woken, or woken without a buffer). */
    Buffer received;
    int wakeups;

    RecordingWaiter(String name, List<RecordingWaiter> wakeLog) {
        this.name = name;
        this.wakeLog = wakeLog;
    }

    RecordingWaiter(String name) {
        this(name, null);
    }

    @Override
    protected void onBuffer(Buffer buffer) {
        received = buffer;
        wakeups++;
        if (wakeLog != null) {
            wakeLog.add(this);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
