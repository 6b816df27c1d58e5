package dev.sluice.cli;

import dev.sluice.config.Config;
import dev.sluice.config.ConfigException;
import dev.sluice.config.ConfigParser;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * The command line.
 * <pre>
 *   sluice -f FILE        run the proxy described by FILE
 *   sluice -c -f FILE     check FILE: exit 0 if it is valid, 1 with every error if not, 2 if it is
 *                         valid but has no listener
 *   sluice --version      print the version
 * </pre>
 * SIGTERM and SIGINT stop it gracefully: listeners close, open sessions get up
 * to {@code hard-stop-after} to finish, the counters are printed, and the
 * process exits 0.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        boolean check = false;
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-c" -> check = true;
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
        return serve(config, out, err);
    }

    private static int serve(Config config, PrintStream out, PrintStream err) {
        // Handlers first: a SIGTERM that arrives while the listeners open still stops gracefully.
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        Sluice sluice;
        try {
            sluice = Sluice.start(config);
        } catch (Exception e) {
            err.println("sluice: cannot start: " + e.getMessage());
            return 1;
        }
        out.println("sluice " + version() + " running " + config.file() + ": "
                + config.global().nbthread() + " loops, " + config.global().buffersPerLoop() + " buffers of "
                + config.global().bufsize() + " bytes per loop (reserve " + config.global().buffersReserve()
                + "), listening on " + sluice.boundAddresses());
        if (!dev.sluice.net.TcpCork.available()) {
            // Only packets change without it: a message bigger than a buffer leaves in more segments.
            err.println("sluice: TCP_CORK is off: " + dev.sluice.net.TcpCork.unavailableReason());
        }
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.println("sluice: stopping; open sessions have up to " + config.global().hardStopAfterMillis()
                + " ms to finish");
        sluice.close();
        out.print(sluice.summary().render());
        out.flush();
        return 0;
    }

    private static void usage(PrintStream s) {
        s.println("usage: sluice -f FILE        run the proxy");
        s.println("       sluice -c -f FILE     check the configuration and exit 0 (valid) or 1");
        s.println("       sluice --version      print the version");
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }
}
