package dev.sluice.log;

import java.io.FileDescriptor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The logging subsystem of one running configuration: a ring per loop and one for
 * the process's own events, the targets' sockets, and the writer thread that
 * drains the rings. All of its memory is allocated by {@link Builder#start}: the
 * rings ({@link #ringBytes()} in total), one line buffer per loop and one for the
 * writer, and one native datagram buffer per UNIX socket target.
 *
 * <pre>{@code
 * Logging.Builder b = Logging.builder(SyslogIdentity.ofThisProcess()).global(globalTargets);
 * ProxyLog web = b.proxy("web", LogFormat.httplog(LogMode.HTTP), lines.resolve(globalTargets), options);
 * Logging logging = b.start(loops);          // opens the sockets, starts the writer
 * LoopLog log = logging.loop(i);            // given to loop i
 * log.log(web, record);                     // from loop i's thread, at the end of each request
 * logging.close();                          // at shutdown: writes what is queued, then stops
 * }</pre>
 *
 * <p>Threading: the builder on one thread; {@link #loop(int)}'s result on its loop
 * only; {@link #process} from any thread; the counters from any thread.
 */
public final class Logging implements AutoCloseable {
    /** Ring bytes per loop unless {@link Builder#ringBytes(int)} says otherwise: about a thousand httplog lines. */
    public static final int DEFAULT_RING_BYTES = 256 * 1024;

    private final LoopLog[] loops;
    private final LogRing processRing;
    private final LineBuilder processLine;
    private final LogWriter writer;
    private final List<LogSink> sinks;
    private final int globalList;
    private final int globalBodyLimit;
    private final long ringBytes;
    private final long captureBytes;

    private Logging(LoopLog[] loops, LogRing processRing, LineBuilder processLine, LogWriter writer,
            List<LogSink> sinks, int globalBodyLimit, long ringBytes, long captureBytes) {
        this.captureBytes = captureBytes;
        this.loops = loops;
        this.processRing = processRing;
        this.processLine = processLine;
        this.writer = writer;
        this.sinks = sinks;
        this.globalList = 0;
        this.globalBodyLimit = globalBodyLimit;
        this.ringBytes = ringBytes;
    }

    public static Builder builder(SyslogIdentity identity) {
        return new Builder(identity);
    }

    /** Builds the logging of one configuration: the global targets, then one {@link ProxyLog} per frontend. */
    public static final class Builder {
        private final SyslogIdentity identity;
        private final List<List<LogTarget>> lists = new ArrayList<>();
        /** Each list's tag, null for the process's. */
        private final List<String> tags = new ArrayList<>();
        private int ringBytes = DEFAULT_RING_BYTES;
        private final List<ProxyLog> proxies = new ArrayList<>();
        private boolean started;

        private Builder(SyslogIdentity identity) {
            this.identity = identity;
            lists.add(List.of());
            tags.add(null);
        }

        /** The {@code global} section's {@code log} lines: the process's own events go there. */
        public Builder global(List<LogTarget> targets) {
            lists.set(0, List.copyOf(targets));
            return this;
        }

        /** Bytes of ring per loop: a power of two, at least 4096 and twice the longest line. */
        public Builder ringBytes(int bytes) {
            ringBytes = bytes;
            return this;
        }

        /**
         * How frontend {@code name} logs: {@code format} for its traffic (null for
         * none), to {@code targets} (already resolved, see {@link LogLines#resolve}).
         */
        public ProxyLog proxy(String name, LogFormat format, List<LogTarget> targets, Set<LogOption> options) {
            return proxy(name, format, targets, options, null);
        }

        /**
         * As {@link #proxy(String, LogFormat, List, Set)}, with the frontend's own
         * {@code log-tag} (null: the process's).
         */
        public ProxyLog proxy(String name, LogFormat format, List<LogTarget> targets, Set<LogOption> options,
                String tag) {
            return proxy(name, format, targets, options, tag, Captures.NONE, 0);
        }

        /**
         * As {@link #proxy(String, LogFormat, List, Set, String)}, with the frontend's
         * header captures: {@link #start} gives each loop {@code captureSlots} slots
         * for them (the frontend's maxconn) when the frontend logs traffic lines.
         */
        public ProxyLog proxy(String name, LogFormat format, List<LogTarget> targets, Set<LogOption> options,
                String tag, Captures captures, int captureSlots) {
            if (lists.size() > 0xFFFF) {
                throw new IllegalStateException("more than 65535 logging frontends");
            }
            lists.add(List.copyOf(targets));
            tags.add(tag);
            ProxyLog proxy = new ProxyLog(name, format, lists.size() - 1, targets, options, captures, captureSlots);
            proxies.add(proxy);
            return proxy;
        }

        /**
         * Opens the targets, allocates the rings and starts the writer thread (none
         * when no target was given: a configuration without {@code log} lines costs
         * one idle ring per loop and no thread).
         */
        public Logging start(int loopCount) throws IOException {
            return start(loopCount, WriterThread.STARTED);
        }

        /** As {@link #start(int)}; with {@link WriterThread#NOT_STARTED} a test drains by hand. */
        Logging start(int loopCount, WriterThread thread) throws IOException {
            if (started) {
                throw new IllegalStateException("already started");
            }
            started = true;
            int longest = LogTarget.MIN_MAX_LENGTH;
            for (List<LogTarget> list : lists) {
                for (LogTarget t : list) {
                    longest = Math.max(longest, t.maxLength());
                }
            }
            List<LogSink> opened = new ArrayList<>();
            Map<String, LogSink> byDestination = new HashMap<>();
            LogWriter.Destination[][] destinations = new LogWriter.Destination[lists.size()][];
            try {
                for (int i = 0; i < lists.size(); i++) {
                    List<LogTarget> list = lists.get(i);
                    destinations[i] = new LogWriter.Destination[list.size()];
                    for (int j = 0; j < list.size(); j++) {
                        LogTarget t = list.get(j);
                        LogSink sink = byDestination.get(t.kind() + " " + t.destination());
                        if (sink == null) {
                            sink = open(t);
                            opened.add(sink);
                            byDestination.put(t.kind() + " " + t.destination(), sink);
                        }
                        SyslogIdentity tagged = tags.get(i) == null ? identity : identity.withTag(tags.get(i));
                        destinations[i][j] = new LogWriter.Destination(t, t.format(identity), sink, tagged);
                    }
                }
            } catch (IOException | RuntimeException e) {
                for (LogSink s : opened) {
                    s.close();
                }
                throw e;
            }
            String hostname = SyslogIdentity.systemHostname();
            LogRing[] rings = new LogRing[loopCount + 1];
            for (int i = 0; i < rings.length; i++) {
                rings[i] = new LogRing(ringBytes, longest, lists.size());
            }
            LocalOffset writerOffset = LocalOffset.system();
            LogWriter writer = new LogWriter(rings, destinations, identity, writerOffset);
            LoopLog[] loops = new LoopLog[loopCount];
            for (int i = 0; i < loopCount; i++) {
                loops[i] = new LoopLog(i, rings[i], new LineBuilder(longest, LocalOffset.system(), identity.pid(),
                        hostname), writer);
            }
            int globalLimit = LogTarget.MIN_MAX_LENGTH;
            for (LogTarget t : lists.get(0)) {
                globalLimit = Math.max(globalLimit, t.maxLength());
            }
            long captureBytes = 0;
            for (ProxyLog p : proxies) {
                if (p.captures.isEmpty() || p.format == null || p.targets.isEmpty()) {
                    continue;
                }
                p.slabs = new CaptureSlab[loopCount];
                for (int i = 0; i < loopCount; i++) {
                    p.slabs[i] = new CaptureSlab(p.captures, p.captureSlots);
                    captureBytes += p.slabs[i].bytes();
                }
            }
            Logging logging = new Logging(loops, rings[loopCount], new LineBuilder(longest, LocalOffset.system(),
                    identity.pid(), hostname), writer, List.copyOf(opened), globalLimit,
                    (long) ringBytes * rings.length, captureBytes);
            boolean anyTarget = false;
            for (List<LogTarget> list : lists) {
                anyTarget |= !list.isEmpty();
            }
            // With no target there is nothing to write: no thread, and loops' lines are refused before formatting.
            if (thread == WriterThread.STARTED && anyTarget) {
                Thread t = new Thread(writer, "sluice-log-writer");
                t.setDaemon(true);
                writer.start(t);
            }
            return logging;
        }

        private static LogSink open(LogTarget t) throws IOException {
            return switch (t.kind()) {
                case STDOUT -> new StreamSink(FileDescriptor.out);
                case STDERR -> new StreamSink(FileDescriptor.err);
                case UDP -> new UdpSink(t.address());
                case UNIX -> new UnixSink(t.path(), LogTarget.MAX_MAX_LENGTH + 1);
            };
        }
    }

    /** Whether {@link Builder#start} starts the writer thread. */
    enum WriterThread {
        STARTED, NOT_STARTED
    }

    /** The writer, for tests that drain by hand. */
    LogWriter writer() {
        return writer;
    }

    /** Loop {@code index}'s logger. */
    public LoopLog loop(int index) {
        return loops[index];
    }

    public int loopCount() {
        return loops.length;
    }

    /**
     * One event of the process itself (started, stopping, a configuration
     * reloaded) to the {@code global} targets at {@code level}. Callable from
     * any thread; not for a loop's hot path (it takes a lock).
     */
    public boolean process(LogLevel level, CharSequence text) {
        synchronized (processRing) {
            processLine.start(globalBodyLimit);
            processLine.put(text);
            boolean queued = processRing.offer(globalList, level, System.currentTimeMillis(), processLine.bytes,
                    processLine.length());
            if (queued) {
                writer.lineQueued();
            }
            return queued;
        }
    }

    /** Bytes of ring allocated, over every loop and the process's ring. */
    public long ringBytes() {
        return ringBytes;
    }

    /**
     * Bytes allocated at start-up for captured headers, over every loop and
     * frontend: per loop, the frontend's maxconn slots of the sum of its
     * {@code capture ... len N} lengths (and, as bookkeeping, 4 bytes a slot and 4 a slot and capture).
     */
    public long captureBytes() {
        return captureBytes;
    }

    /** Lines dropped because a ring was full, since start. */
    public long linesDropped() {
        long sum = processRing.dropped();
        for (LoopLog loop : loops) {
            sum += loop.dropped();
        }
        return sum;
    }

    /** Lines put in the rings, since start. */
    public long linesQueued() {
        long sum = processRing.offered();
        for (LoopLog loop : loops) {
            sum += loop.queued();
        }
        return sum;
    }

    /** Lines the writer took from the rings and wrote, since start. */
    public long linesWritten() {
        return writer.written();
    }

    /** Lines a target could not take (a full socket buffer, nobody listening), since start. */
    public long sendFailures() {
        long sum = 0;
        for (LogWriter.Destination[] list : writer.lists()) {
            for (LogWriter.Destination d : list) {
                sum += d.failed.get();
            }
        }
        return sum;
    }

    /** Writes what is queued, stops the writer and closes the sockets. */
    @Override
    public void close() {
        try {
            writer.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (LogSink s : sinks) {
                s.close();
            }
        }
    }
}
