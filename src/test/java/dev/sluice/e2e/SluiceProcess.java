package dev.sluice.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sluice as a user runs it, in a JVM of its own started from the test's class
 * path with a configuration file, its output in a file, signalled and stopped
 * by its PID.
 */
final class SluiceProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    SluiceProcess(Path dir, Path config, String... jvmOptions) throws IOException {
        this(dir, List.of(jvmOptions), List.of("-f", config.toString()));
    }

    SluiceProcess(Path dir, List<String> jvmOptions, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx128m");
        cmd.add("-XX:+UseSerialGC");
        // What the jar's manifest grants when Sluice runs with java -jar: TCP_CORK, and the FFM calls.
        cmd.add("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.sluice.cli.Main");
        cmd.addAll(args);
        Files.createDirectories(dir);
        log = Files.createTempFile(dir, "sluice", ".log");
        process = asBinSluiceDoes(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()))
                .start();
    }

    /**
     * The environment bin/sluice gives Sluice's JVM: SIGUSR2 reloads, so the
     * JVM suspends threads (a JFR recording's sampler) with another signal.
     */
    static ProcessBuilder asBinSluiceDoes(ProcessBuilder builder) {
        builder.environment().putIfAbsent("_JAVA_SR_SIGNUM", "40");
        return builder;
    }

    long pid() {
        return process.pid();
    }

    /** Sends a signal by name ({@code TERM}, {@code USR1}, {@code HUP}...) to the process. */
    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** Waits until {@code port} on 127.0.0.1 accepts a connection. */
    void awaitListening(int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw new AssertionError("sluice ended before it listened on " + port + ": " + output());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("sluice never listened on " + port + ": " + output());
    }

    /** Waits until the output holds {@code text}. */
    void awaitOutput(String text, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!output().contains(text)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("sluice never printed '" + text + "': " + output());
            }
            Thread.sleep(50);
        }
    }

    /** Waits for the process to end and returns its exit status. */
    int awaitExit(int seconds) throws InterruptedException, IOException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("sluice did not end within " + seconds + " s: " + output());
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
