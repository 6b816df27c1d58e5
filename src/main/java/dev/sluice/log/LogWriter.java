package dev.sluice.log;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The one thread that drains every loop's ring (and the ring of process events)
 * to the targets: for each line and each target of its list, it checks the level,
 * writes the target's syslog header, cuts the line at the target's {@code len}, adds
 * the newline and sends it. When a ring has dropped lines, it says so in a line of
 * its own, at most once a second per ring and target list.
 *
 * <p>While lines flow it looks every millisecond; after a quiet spell it sleeps
 * until the next line wakes it ({@link #lineQueued()}), so an idle process costs
 * nothing and a busy loop never makes a system call to wake it.
 *
 * <p>Threading: {@link #run()} on its own thread; {@link #lineQueued()} from the
 * producers; the counters from any thread.
 */
final class LogWriter implements Runnable {
    private static final long BUSY_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final int QUIET_PASSES = 100;
    private static final long REPORT_INTERVAL_MILLIS = 1000;

    /** A target with its sink and its counters. */
    static final class Destination {
        final LogTarget target;
        final SyslogFormat format;
        final LogSink sink;
        /** The process's identity, with the frontend's own tag if it has one. */
        final SyslogIdentity identity;
        final AtomicLong sent = new AtomicLong();
        final AtomicLong failed = new AtomicLong();

        Destination(LogTarget target, SyslogFormat format, LogSink sink, SyslogIdentity identity) {
            this.target = target;
            this.format = format;
            this.sink = sink;
            this.identity = identity;
        }
    }

    private final LogRing[] rings;
    private final Destination[][] lists;
    private final LogSink[] sinks;
    private final LineBuilder out;
    private final long[][] reportedDrops;
    private final long[][] reportedAt;
    private final AtomicLong written = new AtomicLong();
    private volatile boolean sleeping;
    private volatile boolean stopping;
    private volatile Thread thread;

    LogWriter(LogRing[] rings, Destination[][] lists, SyslogIdentity identity, LocalOffset offset) {
        this.rings = rings;
        this.lists = lists;
        java.util.LinkedHashSet<LogSink> distinct = new java.util.LinkedHashSet<>();
        for (Destination[] list : lists) {
            for (Destination d : list) {
                distinct.add(d.sink);
            }
        }
        sinks = distinct.toArray(new LogSink[0]);
        out = new LineBuilder(LogTarget.MAX_MAX_LENGTH + 1, offset, identity.pid(), "");
        reportedDrops = new long[rings.length][lists.length];
        reportedAt = new long[rings.length][lists.length];
    }

    void start(Thread t) {
        thread = t;
        t.start();
    }

    /** Producer side: wakes the writer if it sleeps. Cheap when it does not: one volatile read. */
    void lineQueued() {
        if (sleeping) {
            Thread t = thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /** Asks the writer to write what is queued and stop; waits for it. */
    void stop() throws InterruptedException {
        stopping = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            t.join();
        }
    }

    @Override
    public void run() {
        int quiet = 0;
        while (true) {
            int n = drainAll();
            reportDrops(false);
            if (n > 0) {
                quiet = 0;
                continue;
            }
            if (stopping) {
                reportDrops(true);
                return;
            }
            if (++quiet < QUIET_PASSES) {
                LockSupport.parkNanos(this, BUSY_PARK_NANOS);
                continue;
            }
            sleeping = true;
            if (allEmpty() && !stopping) {
                LockSupport.parkNanos(this, IDLE_PARK_NANOS);
            }
            sleeping = false;
        }
    }

    /** Writes every line queued now; returns how many. */
    int drainAll() {
        int n = 0;
        for (LogRing ring : rings) {
            while (ring.next()) {
                write(ring.entryList(), ring.entryLevel(), ring.entryMillis(), ring.data, ring.entryOffset(),
                        ring.entryLength());
                ring.release();
                written.incrementAndGet();
                n++;
            }
        }
        if (n > 0) {
            flush();
        }
        return n;
    }

    private void flush() {
        for (LogSink sink : sinks) {
            sink.flush();
        }
    }

    private boolean allEmpty() {
        for (LogRing ring : rings) {
            if (!ring.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private void write(int list, LogLevel level, long epochMillis, byte[] body, int offset, int length) {
        for (Destination d : lists[list]) {
            if (!level.atLeastAsSevereAs(d.target.maxLevel())) {
                continue;
            }
            LogLevel written = level.ordinal() < d.target.minLevel().ordinal() ? d.target.minLevel() : level;
            out.start(d.target.maxLength());
            SyslogHeader.write(out, d.format, d.target.facility(), written, epochMillis, d.identity);
            out.put(body, offset, length);
            int end = out.length();
            out.bytes[end] = '\n';
            if (d.sink.send(out.bytes, end + 1)) {
                d.sent.incrementAndGet();
            } else {
                d.failed.incrementAndGet();
            }
        }
    }

    /**
     * Writes "N lines dropped" for each ring and list that dropped lines since the
     * last report, at most once a second each unless {@code now}.
     */
    void reportDrops(boolean now) {
        long millis = 0;
        for (int r = 0; r < rings.length; r++) {
            for (int list = 0; list < lists.length; list++) {
                long dropped = rings[r].dropped(list);
                long unreported = dropped - reportedDrops[r][list];
                if (unreported == 0) {
                    continue;
                }
                if (millis == 0) {
                    millis = System.currentTimeMillis();
                }
                if (!now && millis - reportedAt[r][list] < REPORT_INTERVAL_MILLIS) {
                    continue;
                }
                reportedDrops[r][list] = dropped;
                reportedAt[r][list] = millis;
                byte[] text = (unreported + (unreported == 1 ? " line" : " lines") + " dropped: the log ring of "
                        + (r == rings.length - 1 ? "the process" : "loop " + r) + " was full")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                write(list, LogLevel.WARNING, millis, text, 0, text.length);
                flush();
            }
        }
    }

    /** Lines taken from the rings and written (to every target that wanted them); the writer's own reports aside. */
    long written() {
        return written.get();
    }

    Destination[][] lists() {
        return lists;
    }
}
