package dev.sluice.log;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * A UNIX datagram socket ({@code socket(AF_UNIX, SOCK_DGRAM)}), which the JDK's
 * channels do not offer: syslog's {@code /dev/log} is one. Reached through the
 * Foreign Function and Memory API, with Linux's constants and {@code sockaddr_un}
 * layout; on another system {@link #open()} fails with a clear message.
 *
 * <p>Sending never blocks ({@code MSG_DONTWAIT}): a full receiver, or none, makes
 * {@link #send} return false. Every native buffer is allocated when the socket is
 * opened, so that sending allocates nothing.
 *
 * <p>Not thread-safe: one thread uses a socket (the log writer; a test's receiver).
 */
final class UnixDatagramSocket implements AutoCloseable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final short POLLIN = 1;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    /** {@code sun_path} is 108 bytes on Linux, the terminating zero included. */
    static final int MAX_PATH = 107;
    private static final int SOCKADDR_UN_SIZE = 2 + 108;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");

    private static final MethodHandle SOCKET = function("socket",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT));
    private static final MethodHandle BIND = function("bind",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_INT));
    private static final MethodHandle SENDTO = function("sendto",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle RECV = function("recv",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle POLL = function("poll",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = function("close",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(
            LINKER.defaultLookup().find("strerror").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(256,
                    ValueLayout.JAVA_BYTE)), ValueLayout.JAVA_INT));

    private final Arena arena;
    private final int fd;
    private final MemorySegment state;
    private final MemorySegment buffer;
    private final MemorySegment peer;
    private final MemorySegment pollFd;
    private int lastErrno;

    private UnixDatagramSocket(Arena arena, int fd, int bufferSize) {
        this.arena = arena;
        this.fd = fd;
        state = arena.allocate(CALL_STATE);
        buffer = arena.allocate(bufferSize);
        peer = arena.allocate(SOCKADDR_UN_SIZE);
        pollFd = arena.allocate(8);
    }

    private static MethodHandle function(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor, ERRNO_OPTION);
    }

    /** A socket whose datagrams are at most {@code bufferSize} bytes. */
    static UnixDatagramSocket open(int bufferSize) throws IOException {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            throw new IOException("UNIX datagram log targets need Linux (this is " + System.getProperty("os.name")
                    + ")");
        }
        Arena arena = Arena.ofShared();
        try (Arena temporary = Arena.ofConfined()) {
            MemorySegment callState = temporary.allocate(CALL_STATE);
            int fd = (int) SOCKET.invokeExact(callState, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                arena.close();
                throw new IOException("socket(AF_UNIX, SOCK_DGRAM): " + describe((int) ERRNO.get(callState, 0L)));
            }
            return new UnixDatagramSocket(arena, fd, bufferSize);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            arena.close();
            throw new IOException("socket(AF_UNIX, SOCK_DGRAM) failed", t);
        }
    }

    /** Sets the address {@link #send} sends to. */
    void target(String path) throws IOException {
        address(peer, path);
    }

    /** Binds this socket to {@code path}, to receive (a test's receiver). */
    void bind(String path) throws IOException {
        MemorySegment local = arena.allocate(SOCKADDR_UN_SIZE);
        address(local, path);
        int rc;
        try {
            rc = (int) BIND.invokeExact(state, fd, local, SOCKADDR_UN_SIZE);
        } catch (Throwable t) {
            throw new IOException("bind failed", t);
        }
        if (rc != 0) {
            throw new IOException("bind " + path + ": " + describe(errno()));
        }
    }

    private static void address(MemorySegment into, String path) throws IOException {
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length > MAX_PATH) {
            throw new IOException("UNIX socket path must be 1 to " + MAX_PATH + " bytes: " + path);
        }
        into.fill((byte) 0);
        into.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(bytes, 0, into, ValueLayout.JAVA_BYTE, 2, bytes.length);
    }

    /**
     * Sends {@code length} bytes of {@code bytes} as one datagram to the target,
     * without waiting. False when it could not go now (the receiver's queue is full,
     * or nobody listens): {@link #lastError()} says why.
     */
    boolean send(byte[] bytes, int offset, int length) {
        int n = (int) Math.min(length, buffer.byteSize());
        MemorySegment.copy(bytes, offset, buffer, ValueLayout.JAVA_BYTE, 0, n);
        long sent;
        try {
            sent = (long) SENDTO.invokeExact(state, fd, buffer, (long) n, MSG_DONTWAIT | MSG_NOSIGNAL, peer,
                    SOCKADDR_UN_SIZE);
        } catch (Throwable t) {
            throw new IllegalStateException("sendto failed", t);
        }
        if (sent < 0) {
            lastErrno = errno();
            return false;
        }
        return true;
    }

    /**
     * Waits up to {@code timeoutMillis} for a datagram and copies it into {@code into};
     * returns its length, or -1 if none came in time.
     */
    int receive(byte[] into, int timeoutMillis) throws IOException {
        pollFd.set(ValueLayout.JAVA_INT, 0, fd);
        pollFd.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
        pollFd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
        try {
            int ready = (int) POLL.invokeExact(state, pollFd, 1L, timeoutMillis);
            if (ready < 0 && errno() != EINTR) {
                throw new IOException("poll: " + describe(errno()));
            }
            if (ready <= 0) {
                return -1;
            }
            long n = (long) RECV.invokeExact(state, fd, buffer, buffer.byteSize(), MSG_DONTWAIT);
            if (n < 0) {
                if (errno() == EAGAIN) {
                    return -1;
                }
                throw new IOException("recv: " + describe(errno()));
            }
            int length = (int) Math.min(n, into.length);
            MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, into, 0, length);
            return length;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("receive failed", t);
        }
    }

    private int errno() {
        return (int) ERRNO.get(state, 0L);
    }

    /** Why the last {@link #send} failed, in the C library's words. */
    String lastError() {
        return describe(lastErrno);
    }

    private static String describe(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.getString(0) + " (errno " + errno + ")";
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    @Override
    public void close() {
        try {
            int ignored = (int) CLOSE.invokeExact(state, fd);
        } catch (Throwable t) {
            throw new IllegalStateException("close failed", t);
        } finally {
            arena.close();
        }
    }
}
