package dev.sluice.cli;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * The signals Sluice answers, as users of HAProxy's master-worker mode and
 * service managers send them, turned into events for the control thread:
 * <ul>
 * <li>SIGUSR1: the soft stop (stop accepting, finish what is in flight);</li>
 * <li>SIGTERM and SIGINT, what systemd, Kubernetes and a terminal send: the
 *     same soft stop; a second one during the stop ends it at once;</li>
 * <li>SIGHUP and SIGUSR2: reload the configuration file.</li>
 * </ul>
 *
 * <p>Why {@code sun.misc.Signal}: the JDK has no supported way to catch a
 * signal (a shutdown hook sees SIGTERM only as the JVM's end, and nothing
 * sees SIGHUP or SIGUSR1 but this). The class lives in the
 * {@code jdk.unsupported} module, which the JDK keeps exported, unflagged and
 * working for exactly such critical uses (JEP 260) until a supported
 * replacement exists; it needs no {@code --add-opens}. The handlers only put
 * an event in a bounded queue: no work runs on the JVM's signal thread.
 *
 * <p>Thread-safe: handlers run on the JVM's signal dispatch threads, the
 * control thread takes the events.
 */
final class Signals {
    /** What a signal asks for. */
    enum Event {
        /** SIGUSR1. */
        SOFT_STOP,
        /** SIGTERM, SIGINT. */
        STOP,
        /** SIGHUP, SIGUSR2. */
        RELOAD
    }

    /** Signals beyond this many unread ones are dropped: the control thread acts on the first anyway. */
    private static final int QUEUE = 16;

    private final BlockingQueue<Event> events = new ArrayBlockingQueue<>(QUEUE);

    private Signals() {
    }

    /** Installs every handler; from now on none of these signals ends the JVM by itself. */
    static Signals install() {
        Signals s = new Signals();
        s.on("USR1", Event.SOFT_STOP);
        s.on("TERM", Event.STOP);
        s.on("INT", Event.STOP);
        s.on("HUP", Event.RELOAD);
        s.on("USR2", Event.RELOAD);
        return s;
    }

    private void on(String name, Event event) {
        Signal.handle(new Signal(name), signal -> events.offer(event));
    }

    /** Waits for the next event. */
    Event next() throws InterruptedException {
        return events.take();
    }

    /** The next event if one came within {@code millis}, else null. */
    Event poll(long millis) throws InterruptedException {
        return events.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** The next event if one is there, else null. */
    Event poll() {
        return events.poll();
    }
}
