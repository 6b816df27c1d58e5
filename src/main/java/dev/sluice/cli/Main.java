package dev.sluice.cli;

import dev.sluice.config.Config;
import dev.sluice.config.ConfigException;
import dev.sluice.config.ConfigParser;
import dev.sluice.runtime.RuntimeApi;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The command line.
 * <pre>
 *   sluice -f FILE        run the proxy described by FILE; -D in the background (as the
 *                         daemon keyword), -db in the foreground whatever the file says
 *   sluice -c -f FILE     check FILE: exit 0 if it is valid, 1 with every error if not, 2 if it is
 *                         valid but has no listener
 *   sluice --version      print the version
 * </pre>
 * SIGUSR1, SIGTERM and SIGINT stop it gracefully (see {@link Signals}): the
 * listeners close, every session ends after its current exchange, within
 * {@code hard-stop-after}, the counters are printed, and the process exits 0.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        boolean check = false;
        boolean heap = false;
        Boolean daemon = null;
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-c" -> check = true;
                case "--heap" -> heap = true;
                case "-D" -> daemon = true;
                case "-db" -> daemon = false;
                case "-f" -> {
                    if (i + 1 == args.length) {
                        err.println("sluice: -f needs a file name");
                        return 2;
                    }
                    file = Path.of(args[++i]);
                }
                case "-v", "--version" -> {
                    out.println("sluice " + version());
                    return 0;
                }
                case "-h", "--help" -> {
                    usage(out);
                    return 0;
                }
                default -> {
                    err.println("sluice: unknown argument '" + args[i] + "'");
                    usage(err);
                    return 2;
                }
            }
        }
        if (file == null) {
            usage(err);
            return 2;
        }
        if (!Files.isReadable(file)) {
            err.println("sluice: cannot read " + file);
            return 1;
        }
        Config config;
        try {
            config = ConfigParser.parse(file);
        } catch (ConfigException e) {
            e.messages().forEach(err::println);
            if (e.omitted() > 0) {
                err.println("sluice: " + e.omitted() + " more errors in " + file + " not shown");
            }
            return 1;
        } catch (IOException e) {
            err.println("sluice: cannot read " + file + ": " + e.getMessage());
            return 1;
        }
        config.warnings().forEach(err::println);
        if (!config.hasListener()) {
            // HAProxy's answer, and exit status, for a valid file that starts nothing.
            if (check) {
                out.println("Configuration file has no error but will not start (no listener): " + file);
                return 2;
            }
            err.println("sluice: no enabled listener found (check for 'bind' lines); nothing to start");
            return 1;
        }
        if (check) {
            out.println("Configuration file is valid: " + file);
            return 0;
        }
        if (heap) {
            out.println(heapOptions(config));
            return 0;
        }
        boolean background = daemon != null ? daemon : config.process().daemon();
        if (background && System.getenv(ServiceProcess.DAEMON_CHILD) == null) {
            return ServiceProcess.startInBackground(out, err);
        }
        return serve(config, background, out, err);
    }

    private static int serve(Config checked, boolean background, PrintStream out, PrintStream err) {
        if (background) {
            // The background process leaves the session of the terminal it was started from.
            Posix.setsid();
        }
        // Handlers first: a SIGTERM that arrives while the listeners open still stops gracefully.
        Signals signals = Signals.install(System.getenv(), err);
        Config config;
        Sluice sluice;
        try {
            config = ServiceProcess.fitDescriptorLimit(checked, err);
            sluice = Sluice.start(config);
        } catch (ServiceProcess.StartException e) {
            err.println("sluice: cannot start: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("sluice: cannot start: " + e.getMessage());
            return 1;
        }
        RuntimeApi api = null;
        try {
            api = RuntimeApi.start(config.process().statsSockets(), config.process().statsTimeoutMillis(),
                    new RuntimeControl(sluice, reload -> report(reload, err)));
            ServiceProcess.writePidfile(config.process());
            ServiceProcess.dropPrivileges(config.process());
        } catch (ServiceProcess.StartException | IOException e) {
            err.println("sluice: cannot start: " + e.getMessage());
            if (api != null) {
                api.close();
            }
            sluice.hardStop();
            ServiceProcess.removePidfile(config.process(), err);
            return 1;
        }
        out.println("sluice " + version() + " running " + config.file() + ": "
                + config.global().nbthread() + " loops, " + config.global().buffersPerLoop() + " buffers of "
                + config.global().bufsize() + " bytes per loop (reserve " + config.global().buffersReserve()
                + "), listening on " + sluice.boundAddresses());
        String keyWork = dev.sluice.net.LibcryptoKeys.status();
        if (keyWork != null) {
            out.println("sluice: TLS key work: " + keyWork);
        }
        if (!dev.sluice.net.TcpCork.available()) {
            // Only packets change without it: a message bigger than a buffer leaves in more segments.
            err.println("sluice: TCP_CORK is off: " + dev.sluice.net.TcpCork.unavailableReason());
        }
        if (background) {
            out.println(ServiceProcess.BACKGROUND_READY + ProcessHandle.current().pid());
            out.flush();
            err.flush();
            // The process that started this one has stopped reading: from now on output goes nowhere.
            Posix.redirect("/dev/null", 0, 1, 2);
        }
        Signals.Event event;
        try {
            while ((event = signals.next()) == Signals.Event.RELOAD) {
                report(sluice.reload(), err);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            event = Signals.Event.STOP;
        }
        api.close();
        try {
            stop(sluice, config, event, signals, out);
            out.print(sluice.summary().render());
        } catch (IllegalStateException stuck) {
            // A loop that does not answer (a bug) must not keep the process up: main's exit ends its thread.
            err.println("sluice: cannot stop in order: " + stuck.getMessage() + "; exiting now");
            err.flush();
            ServiceProcess.removePidfile(config.process(), err);
            return 1;
        }
        out.flush();
        ServiceProcess.removePidfile(config.process(), err);
        return 0;
    }

    /** Logs what a reload did, one line each, and returns the lines (the runtime API answers with them). */
    private static List<String> report(Sluice.Reload reload, PrintStream err) {
        for (String line : reload.messages()) {
            err.println(line);
        }
        err.flush();
        return reload.messages();
    }

    /**
     * The soft stop, then at most {@code hard-stop-after} for open sessions to
     * finish; a second SIGTERM or SIGINT ends the wait at once.
     */
    private static void stop(Sluice sluice, Config config, Signals.Event why, Signals signals, PrintStream out) {
        long hardStopAfter = config.global().hardStopAfterMillis();
        out.println("sluice: " + (why == Signals.Event.SOFT_STOP ? "soft stop" : "stopping")
                + ": no new connections; open sessions end after their current exchange, within "
                + hardStopAfter + " ms");
        out.flush();
        sluice.softStop();
        boolean[] forced = new boolean[1];
        boolean clean = sluice.drain(System.nanoTime() + hardStopAfter * 1_000_000L, () -> {
            for (Signals.Event e = signals.poll(); e != null; e = signals.poll()) {
                forced[0] |= e == Signals.Event.STOP;
            }
            return forced[0];
        });
        if (!clean) {
            out.println("sluice: " + (forced[0] ? "stop signal repeated" : "hard-stop-after passed") + ": aborting "
                    + sluice.openSessions() + " open sessions");
        }
        sluice.hardStop();
    }

    /** The heap every process needs whatever its connections: classes, the configuration, the loops' tables. */
    static final long BASE_HEAP_BYTES = 24L << 20;
    /**
     * The heap one connection may hold, with the room a copying collector
     * needs: about 3 KB measured for an idle HTTP connection (bench/RESULTS.md,
     * "Footprint"), more while it exchanges, doubled.
     */
    static final long HEAP_PER_CONNECTION_BYTES = 8L << 10;

    /**
     * {@code sluice --heap -f FILE}: the JVM heap options for this
     * configuration, sized from {@code maxconn} rather than fixed; the buffers
     * are off-heap, in the arena, sized by {@code tune.buffers.limit}.
     * {@code bin/sluice} asks for them before it starts Sluice.
     */
    static String heapOptions(Config config) {
        long bytes = BASE_HEAP_BYTES + (long) config.global().maxconn() * HEAP_PER_CONNECTION_BYTES;
        long mib = (bytes + (1 << 20) - 1) >> 20;
        long arenaMib = ((long) config.global().buffersPerLoop() * config.global().nbthread()
                * config.global().bufsize() >> 20) + 64;
        return "-Xms" + Math.min(16, mib) + "m -Xmx" + mib + "m -XX:MaxDirectMemorySize=" + arenaMib + "m";
    }

    private static void usage(PrintStream s) {
        s.println("usage: sluice -f FILE        run the proxy (-D: in the background, -db: in the foreground)");
        s.println("       sluice -c -f FILE     check the configuration and exit 0 (valid) or 1");
        s.println("       sluice --heap -f FILE print the JVM heap options sized for FILE's maxconn");
        s.println("       sluice --version      print the version");
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }
}
