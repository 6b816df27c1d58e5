package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's {@code wrk} (package {@code wrk}) run by a test against 127.0.0.1,
 * bounded by its {@code -d}, and its result read back: requests, the socket
 * errors by kind, and the responses that were not 2xx or 3xx. A missing wrk
 * fails the test loudly: CI installs the package.
 */
final class Wrk implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/wrk");

    private final Process process;
    private final Path output;

    /** A run's figures, as wrk prints them. */
    record Result(long requests, long connectErrors, long readErrors, long writeErrors, long timeouts,
                  long non2xx3xx, double requestsPerSecond, String text) {
        /**
         * Requests that failed for sure: a read error (the connection ended or
         * was reset with a request outstanding), a timeout, or a status other
         * than 2xx/3xx. Write errors are left out: wrk's non-blocking connect
         * reports a refused connection as an error of its first write, so a
         * test tells those apart from a failed request by other means
         * (requests counted on both sides), and says how.
         */
        long failed() {
            return readErrors + timeouts + non2xx3xx;
        }
    }

    /**
     * Starts wrk. {@code headers} are extra {@code -H} values, e.g.
     * {@code "Connection: close"} for one request per connection.
     */
    Wrk(Path dir, String url, int threads, int connections, int seconds, String... headers) throws IOException {
        assertTrue(Files.isExecutable(BINARY), BINARY + " is missing: apt-get install wrk");
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "-t" + threads, "-c" + connections,
                "-d" + seconds + "s", "--timeout", "5s"));
        for (String h : headers) {
            cmd.add("-H");
            cmd.add(h);
        }
        cmd.add(url);
        Files.createDirectories(dir);
        output = Files.createTempFile(dir, "wrk", ".out");
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    /** Waits for the run to end (its duration and a margin) and reads its figures. */
    Result await(int seconds) throws IOException, InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("wrk did not end within " + seconds + " s");
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        return parse(text);
    }

    static Result parse(String text) {
        Matcher requests = Pattern.compile("(\\d+) requests in").matcher(text);
        if (!requests.find()) {
            throw new AssertionError("wrk printed no result: " + text);
        }
        long connect = 0;
        long read = 0;
        long write = 0;
        long timeout = 0;
        Matcher errors = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)")
                .matcher(text);
        if (errors.find()) {
            connect = Long.parseLong(errors.group(1));
            read = Long.parseLong(errors.group(2));
            write = Long.parseLong(errors.group(3));
            timeout = Long.parseLong(errors.group(4));
        }
        Matcher non = Pattern.compile("Non-2xx or 3xx responses: (\\d+)").matcher(text);
        long non2xx = non.find() ? Long.parseLong(non.group(1)) : 0;
        Matcher rate = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(text);
        double rps = rate.find() ? Double.parseDouble(rate.group(1)) : 0;
        return new Result(Long.parseLong(requests.group(1)), connect, read, write, timeout, non2xx, rps, text);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
