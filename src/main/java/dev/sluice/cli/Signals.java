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
 * <p>SIGUSR2 is also HotSpot's thread-suspend signal on Linux unless the
 * environment variable {@code _JAVA_SR_SIGNUM} names another: a JFR
 * recording's sampler sends it to every thread it samples, a hundred times a
 * second. Under Sluice's handler each of those would be a reload, and the
 * sampler would see no thread stop. {@code bin/sluice} sets
 * {@code _JAVA_SR_SIGNUM=40} (a real-time signal nothing else uses); a JVM
 * started another way without it is warned about at start.
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

    /** The environment variable that moves HotSpot's thread-suspend signal off SIGUSR2. */
    static final String SUSPEND_SIGNAL_VARIABLE = "_JAVA_SR_SIGNUM";
    /** What bin/sluice sets it to: SIGRTMIN + 6, which neither the C library nor the JVM uses. */
    static final String SUSPEND_SIGNAL = "40";

    /**
     * Installs every handler; from now on none of these signals ends the JVM
     * by itself. Warns on {@code err} when SIGUSR2 is the JVM's suspend signal.
     */
    static Signals install(java.util.Map<String, String> env, java.io.PrintStream err) {
        if (jvmSuspendsWithUsr2(env.get(SUSPEND_SIGNAL_VARIABLE))) {
            err.println("sluice: warning: SIGUSR2 is also this JVM's thread-suspend signal, which a JFR recording"
                    + " sends as it samples (each sample would reload Sluice); start the JVM with "
                    + SUSPEND_SIGNAL_VARIABLE + "=" + SUSPEND_SIGNAL + " in its environment, as bin/sluice does");
        }
        Signals s = new Signals();
        s.on("USR1", Event.SOFT_STOP);
        s.on("TERM", Event.STOP);
        s.on("INT", Event.STOP);
        s.on("HUP", Event.RELOAD);
        s.on("USR2", Event.RELOAD);
        return s;
    }

    /**
     * Whether HotSpot suspends threads with SIGUSR2 (12) given this value of
     * {@code _JAVA_SR_SIGNUM}: when it is unset, or not a signal HotSpot
     * accepts (above SIGSEGV, 11, and below NSIG, 65), in which case it
     * warns and keeps SIGUSR2.
     */
    static boolean jvmSuspendsWithUsr2(String value) {
        if (value == null) {
            return true;
        }
        try {
            int n = Integer.parseInt(value.trim());
            return n == 12 || n <= 11 || n >= 65;
        } catch (NumberFormatException e) {
            return true;
        }
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
