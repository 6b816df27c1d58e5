package dev.sluice.cli;

import dev.sluice.config.Config;
import dev.sluice.config.FrontendConfig;
import dev.sluice.config.Global;
import dev.sluice.config.ProcessConfig;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * What makes Sluice run as a service, in the order HAProxy does it: the
 * descriptor limit sized from {@code maxconn} before anything opens, the
 * {@code pidfile} once the listeners are bound, then the new root and identity
 * ({@code chroot}, {@code group}/{@code gid}, {@code user}/{@code uid}), and
 * the going to the background of a {@code daemon}.
 *
 * <p>Used by {@link Main} on the control thread only.
 */
final class ServiceProcess {
    /** Set in the environment of the background process a {@code daemon} starts. */
    static final String DAEMON_CHILD = "SLUICE_DAEMON_CHILD";
    /** The line the background process prints, with its pid, once it listens; its starter then returns. */
    static final String BACKGROUND_READY = "sluice: running in the background as pid ";
    /** Descriptors per event loop besides its connections: the epoll instance and the wakeup pipe's two ends. */
    static final int DESCRIPTORS_PER_LOOP = 3;
    /** Room for what opens later and is none of the above: a log file, a DNS socket, a pid file being written. */
    static final int DESCRIPTOR_MARGIN = 32;

    private ServiceProcess() {
    }

    /** Why Sluice does not start; the message says what to change. */
    static final class StartException extends Exception {
        StartException(String message) {
            super(message);
        }
    }

    /**
     * The descriptors {@code maxconn} connections need, HAProxy's way: two per
     * connection (the client's and the server's), one per listening socket
     * (each loop has its own with {@code SO_REUSEPORT}), one per runtime API
     * socket, the loops' own, and those the JVM has open now, plus a margin.
     */
    static long descriptorsNeeded(Config config, int maxconn) {
        int loops = config.global().nbthread();
        long listening = 0;
        for (FrontendConfig f : config.frontends()) {
            listening += (long) f.binds().size() * loops;
        }
        return 2L * maxconn + listening + config.process().statsSockets().size() + (long) loops * DESCRIPTORS_PER_LOOP
                + openDescriptors() + DESCRIPTOR_MARGIN;
    }

    /** The descriptors this process has open, from {@code /proc/self/fd}. */
    static int openDescriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            return 64;
        }
    }

    /**
     * Sets the descriptor limit: {@code ulimit-n} if given, else as high as
     * {@code maxconn} needs, up to the hard limit (above it as root). When the
     * limit cannot hold {@code maxconn}, a {@code maxconn} written in the file
     * is refused with the numbers, and the default one is lowered to fit, with a
     * warning, as HAProxy does. Returns the configuration to run, whose
     * {@code maxconn} may be lower.
     */
    static Config fitDescriptorLimit(Config config, PrintStream err) throws StartException {
        ProcessConfig p = config.process();
        int maxconn = config.global().maxconn();
        long needed = descriptorsNeeded(config, maxconn);
        long[] limit = Posix.descriptorLimit();
        long soft = limit[0];
        long hard = limit[1];
        // ulimit-n is set as written; without it the limit is only raised, never lowered.
        long target = p.ulimitN() > 0 ? p.ulimitN() : Math.max(needed, soft);
        if (target != soft) {
            try {
                // As HAProxy: both limits at once where allowed (root), else the soft one up to the hard one.
                Posix.descriptorLimit(target, Math.max(target, hard));
                soft = target;
            } catch (Posix.PosixException e) {
                if (p.ulimitN() > 0 && target > hard) {
                    throw new StartException("ulimit-n " + target + " cannot be set: the hard limit is " + hard
                            + " and raising it needs privileges (" + e.getMessage() + ")");
                }
                long reachable = Math.min(target, hard);
                Posix.descriptorLimit(reachable, hard);
                soft = reachable;
            }
        }
        if (soft >= needed) {
            return config;
        }
        long fixed = needed - 2L * maxconn;
        int fits = (int) Math.max(0, (soft - fixed) / 2);
        String numbers = "maxconn " + maxconn + " needs " + needed + " descriptors (2 per connection, "
                + fixed + " for listeners, loops and the JVM) but the limit is " + soft;
        if (p.maxconnGiven() || fits < 1) {
            throw new StartException(numbers + "; raise the limit (ulimit-n, ulimit -n, systemd's LimitNOFILE) to "
                    + needed + " or lower maxconn to " + fits);
        }
        err.println("sluice: warning: " + numbers + "; maxconn lowered to " + fits
                + " (set ulimit-n or raise the hard limit to " + needed + ")");
        Global g = config.global();
        Global lowered = new Global(g.nbthread(), fits, g.bufsize(), g.buffersLimit(), g.buffersReserve(),
                g.maxrewrite(), g.hardStopAfterMillis(), g.httpMaxHeaders(), g.log(), g.spreadChecks());
        return new Config(config.file(), lowered, config.frontends(), config.backends(), config.process(),
                config.resolvers(), config.warnings());
    }

    /** Writes the process id to the pid file, as HAProxy does, before the root changes. */
    static void writePidfile(ProcessConfig p) throws StartException {
        if (p.pidfile() == null) {
            return;
        }
        try {
            Files.writeString(p.pidfile(), ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new StartException("cannot write pidfile " + p.pidfile() + ": " + e);
        }
    }

    /** Removes the pid file when the process stops; after a chroot or a change of user it may be out of reach. */
    static void removePidfile(ProcessConfig p, PrintStream err) {
        if (p.pidfile() == null) {
            return;
        }
        try {
            Files.deleteIfExists(p.pidfile());
        } catch (IOException e) {
            err.println("sluice: cannot remove pidfile " + p.pidfile() + " (" + e + "); the service manager will");
        }
    }

    /**
     * After the listeners are bound: the new root, then the group (dropping
     * every supplementary group), then the user, in that order because each
     * step needs the privileges the next one gives up. Before the root
     * changes, every class Sluice may load later is loaded, and the JDK's
     * lazily read files (time zones, the management library) are read.
     */
    static void dropPrivileges(ProcessConfig p) throws StartException {
        if (!p.dropsPrivileges()) {
            return;
        }
        try {
            if (p.chroot() != null) {
                if (!Files.isDirectory(p.chroot())) {
                    throw new StartException("chroot " + p.chroot() + ": no such directory");
                }
                preloadEverything();
                Posix.chroot(p.chroot().toAbsolutePath().toString());
            }
            if (p.gid() >= 0 || p.uid() >= 0) {
                Posix.setgroups(p.gid());
            }
            if (p.gid() >= 0) {
                Posix.setgid(p.gid());
            }
            if (p.uid() >= 0) {
                Posix.setuid(p.uid());
            }
        } catch (Posix.PosixException e) {
            throw new StartException("cannot drop privileges: " + e.getMessage());
        }
    }

    /**
     * Loads, without initialising, every class of Sluice's class path, and
     * touches what the JDK reads from its own directory on first use: after a
     * {@code chroot} neither path exists any more.
     */
    static int preloadEverything() throws StartException {
        ClassLoader loader = ServiceProcess.class.getClassLoader();
        int loaded = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            // A test run's class path also holds the test code and its libraries, which Sluice never loads.
            if (entry.contains("test-classes") || entry.contains(".m2" + File.separator + "repository")) {
                continue;
            }
            try {
                for (String name : classNames(path)) {
                    try {
                        Class.forName(name, false, loader);
                        loaded++;
                    } catch (ClassNotFoundException | LinkageError e) {
                        // A class of a library that needs what is absent (an optional dependency) cannot be used anyway.
                    }
                }
            } catch (IOException e) {
                throw new StartException("cannot read " + path + " to load its classes before chroot: " + e);
            }
        }
        ZoneId.systemDefault().getRules();
        ZonedDateTime.now().toString();
        ManagementFactory.getThreadMXBean();
        ManagementFactory.getRuntimeMXBean().getUptime();
        return loaded;
    }

    private static List<String> classNames(Path path) throws IOException {
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(path)) {
            try (Stream<Path> files = Files.walk(path)) {
                files.filter(f -> f.toString().endsWith(".class") && !f.getFileName().toString().equals("module-info.class"))
                        .forEach(f -> names.add(className(path.relativize(f).toString())));
            }
        } else if (Files.isRegularFile(path) && path.toString().endsWith(".jar")) {
            try (JarFile jar = new JarFile(path.toFile())) {
                for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                    String n = e.nextElement().getName();
                    if (n.endsWith(".class") && !n.endsWith("module-info.class") && !n.startsWith("META-INF/")) {
                        names.add(className(n));
                    }
                }
            }
        }
        return names;
    }

    private static String className(String file) {
        return file.substring(0, file.length() - ".class".length()).replace(File.separatorChar, '.').replace('/', '.');
    }

    /**
     * {@code daemon}: starts this same command again as a background process,
     * relays what it prints until it listens, and returns 0 then (or its exit
     * status if it ends first). A JVM cannot {@code fork} itself safely (only
     * the forking thread would survive, in the middle of whatever locks the
     * others held), so the background process is a new JVM, started with the
     * very command line of this one ({@code /proc/self/cmdline}), standard input
     * from {@code /dev/null}; it makes a session of its own ({@code setsid}) and
     * points its output at {@code /dev/null} once it listens.
     */
    static int startInBackground(PrintStream out, PrintStream err) {
        List<String> argv;
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
            argv = new ArrayList<>(List.of(new String(raw, StandardCharsets.UTF_8).split("\0")));
        } catch (IOException e) {
            err.println("sluice: daemon: cannot read this process's command line: " + e);
            return 1;
        }
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // The background process answers SIGUSR2 with a reload: the JVM must suspend threads with another signal.
        builder.environment().putIfAbsent(Signals.SUSPEND_SIGNAL_VARIABLE, Signals.SUSPEND_SIGNAL);
        builder.environment().put(DAEMON_CHILD, "1");
        Process child;
        try {
            child = builder.start();
        } catch (IOException e) {
            err.println("sluice: daemon: cannot start the background process: " + e);
            return 1;
        }
        try (java.io.BufferedReader lines = new java.io.BufferedReader(
                new java.io.InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                out.println(line);
                if (line.startsWith(BACKGROUND_READY)) {
                    out.flush();
                    return 0;
                }
            }
            return child.waitFor() == 0 ? 1 : child.exitValue();
        } catch (IOException e) {
            err.println("sluice: daemon: lost the background process's output: " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
