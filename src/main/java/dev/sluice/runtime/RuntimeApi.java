package dev.sluice.runtime;

import dev.sluice.config.StatsSocketConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The runtime API: HAProxy's stats socket, on UNIX sockets and TCP ports, so
 * that {@code echo "show info" | socat stdio /run/sluice.sock} works as it
 * does with HAProxy. A connection runs one line of commands (several, split by
 * {@code ;}) and closes, unless {@code prompt} made it interactive.
 *
 * <p>Served off the event loops: one accepting thread per socket and a
 * virtual thread per connection, at most {@link #MAX_CONNECTIONS} at once
 * (HAProxy's default {@code stats maxconn}), each line at most
 * {@link #MAX_LINE} bytes. A busy loop or a dry pool never delays it: what a
 * command reads of a loop goes through that loop's inbox, bounded in time.
 *
 * <p>Thread-safe.
 */
public final class RuntimeApi implements AutoCloseable {
    /** HAProxy's default {@code stats maxconn}. */
    static final int MAX_CONNECTIONS = 10;
    /** The longest command line read, so that a connection's memory is bounded. */
    static final int MAX_LINE = 16 * 1024;

    private final List<Socket> sockets = new ArrayList<>();
    private final Commands commands;
    private final long idleTimeoutMillis;
    private final Semaphore room = new Semaphore(MAX_CONNECTIONS);
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService reaper;
    private volatile boolean closed;

    private record Socket(StatsSocketConfig config, ServerSocketChannel channel, Thread acceptor) {
    }

    private RuntimeApi(ProxyControl proxy, long idleTimeoutMillis) {
        this.commands = new Commands(proxy);
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.reaper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-cli-timeout");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens every socket and starts serving it. A UNIX socket's stale file (a
     * socket left by a process that died) is replaced; its mode is set as
     * configured. Throws if any cannot be opened, with the others closed.
     */
    public static RuntimeApi start(List<StatsSocketConfig> configs, long idleTimeoutMillis, ProxyControl proxy)
            throws IOException {
        RuntimeApi api = new RuntimeApi(proxy, idleTimeoutMillis);
        try {
            for (StatsSocketConfig c : configs) {
                api.open(c);
            }
        } catch (IOException | RuntimeException e) {
            api.close();
            throw e;
        }
        if (idleTimeoutMillis > 0) {
            long every = Math.max(10, Math.min(1_000, idleTimeoutMillis / 4));
            api.reaper.scheduleAtFixedRate(api::closeIdle, every, every, TimeUnit.MILLISECONDS);
        }
        for (Socket s : api.sockets) {
            s.acceptor().start();
        }
        return api;
    }

    private void open(StatsSocketConfig c) throws IOException {
        ServerSocketChannel channel;
        if (c.path() != null) {
            if (Files.exists(c.path()) && !Files.isRegularFile(c.path()) && !Files.isDirectory(c.path())) {
                Files.delete(c.path());
            }
            channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.bind(UnixDomainSocketAddress.of(c.path()));
                if (c.mode() >= 0) {
                    Files.setPosixFilePermissions(c.path(), permissions(c.mode()));
                }
            } catch (IOException e) {
                channel.close();
                throw new IOException("stats socket " + c.describe() + ": " + e.getMessage(), e);
            }
        } else {
            channel = ServerSocketChannel.open(c.tcp().getAddress() instanceof java.net.Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            try {
                channel.bind(c.tcp());
            } catch (IOException e) {
                channel.close();
                throw new IOException("stats socket " + c.describe() + ": " + e.getMessage(), e);
            }
        }
        Thread acceptor = new Thread(() -> accept(c, channel), "sluice-cli-" + sockets.size());
        acceptor.setDaemon(true);
        sockets.add(new Socket(c, channel, acceptor));
    }

    /** The TCP port a {@code stats socket ipv4@ADDR:0} was given, for tests. */
    public int tcpPort(int index) throws IOException {
        return ((java.net.InetSocketAddress) sockets.get(index).channel().getLocalAddress()).getPort();
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & 1 << bit) != 0) {
                set.add(order[bit]);
            }
        }
        return set;
    }

    private void accept(StatsSocketConfig c, ServerSocketChannel channel) {
        while (!closed) {
            SocketChannel client;
            try {
                client = channel.accept();
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("sluice: stats socket " + c.describe() + ": accept failed: " + e);
                }
                return;
            }
            if (!room.tryAcquire()) {
                refuse(client);
                continue;
            }
            Connection connection = new Connection(client, c.level());
            open.add(connection);
            Thread.ofVirtual().name("sluice-cli-connection").start(() -> {
                try {
                    connection.serve();
                } finally {
                    open.remove(connection);
                    connection.close();
                    room.release();
                }
            });
        }
    }

    private static void refuse(SocketChannel client) {
        try (client) {
            client.write(java.nio.ByteBuffer.wrap(("Too many runtime API connections (at most " + MAX_CONNECTIONS
                    + "): try again.\n").getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            // The client went away: nothing to tell it.
        }
    }

    private void closeIdle() {
        long now = System.nanoTime();
        for (Connection c : open) {
            if (now - c.lastActive > TimeUnit.MILLISECONDS.toNanos(idleTimeoutMillis)) {
                c.close();
            }
        }
    }

    /** Closes every socket (a UNIX socket's file is removed) and every connection. */
    @Override
    public void close() {
        closed = true;
        reaper.shutdownNow();
        for (Socket s : sockets) {
            try {
                s.channel().close();
            } catch (IOException e) {
                System.err.println("sluice: closing stats socket " + s.config().describe() + ": " + e);
            }
            if (s.config().path() != null) {
                try {
                    Files.deleteIfExists(s.config().path());
                } catch (IOException e) {
                    System.err.println("sluice: removing stats socket " + s.config().path() + ": " + e);
                }
            }
        }
        for (Connection c : open) {
            c.close();
        }
    }

    /** One client of the runtime API, on its own virtual thread. */
    private final class Connection {
        private final SocketChannel channel;
        private final StatsSocketConfig.Level level;
        volatile long lastActive = System.nanoTime();
        /** HAProxy's modes: one line then close; interactive; interactive with a prompt. */
        private boolean interactive;
        private boolean prompt;

        Connection(SocketChannel channel, StatsSocketConfig.Level level) {
            this.channel = channel;
            this.level = level;
        }

        void serve() {
            try (InputStream in = Channels.newInputStream(channel); OutputStream out = Channels.newOutputStream(channel)) {
                while (true) {
                    String line = readLine(in);
                    lastActive = System.nanoTime();
                    if (line == null) {
                        return;
                    }
                    boolean quit = false;
                    StringBuilder answer = new StringBuilder();
                    for (String command : splitCommands(line)) {
                        List<String> words = Commands.words(command);
                        if (Commands.isQuit(words)) {
                            quit = true;
                            break;
                        }
                        if (Commands.isPrompt(words)) {
                            prompt(words);
                            continue;
                        }
                        answer.append(commands.run(words, level));
                        if (interactive) {
                            // In interactive mode an empty line ends each answer, as in HAProxy.
                            answer.append('\n');
                        }
                    }
                    if (prompt && !quit) {
                        answer.append("> ");
                    }
                    out.write(answer.toString().getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    lastActive = System.nanoTime();
                    if (quit || !interactive) {
                        return;
                    }
                }
            } catch (IOException e) {
                // The client left, or the idle timeout closed the connection.
            }
        }

        /** {@code prompt} toggles interactive mode with a prompt; {@code prompt n|i|p} chooses. */
        private void prompt(List<String> words) {
            String mode = words.size() > 1 ? words.get(1) : (interactive ? "n" : "p");
            switch (mode) {
                case "n" -> {
                    interactive = false;
                    prompt = false;
                }
                case "i" -> {
                    interactive = true;
                    prompt = false;
                }
                default -> {
                    interactive = true;
                    prompt = true;
                }
            }
        }

        /** A line without its end, or null at the end of the stream; longer than {@link #MAX_LINE}, cut there. */
        private String readLine(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                int c = in.read();
                if (c < 0) {
                    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
                }
                if (c == '\n') {
                    String s = line.toString(StandardCharsets.UTF_8);
                    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                }
                if (line.size() < MAX_LINE) {
                    line.write(c);
                }
            }
        }

        void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // Closing is all that was asked.
            }
        }
    }

    /** The commands of a line: split at each {@code ;} that no backslash escapes; {@code \;} and {@code \\} unescaped. */
    static List<String> splitCommands(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                current.append(line.charAt(++i));
            } else if (c == ';') {
                out.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        out.add(current.toString());
        return out;
    }
}
