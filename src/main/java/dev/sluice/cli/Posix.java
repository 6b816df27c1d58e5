package dev.sluice.cli;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few C library calls the JDK does not offer and a service needs, made
 * through the Foreign Function and Memory API (final in Java 22, so Sluice
 * targets Java 25): the identity and root the process takes after binding
 * ({@code setgroups}, {@code setgid}, {@code setuid}, {@code chroot}), its
 * descriptor limit ({@code getrlimit}, {@code setrlimit}), and what a process
 * going to the background does ({@code setsid}, {@code open}, {@code dup2}).
 *
 * <p>glibc applies {@code setuid}, {@code setgid} and {@code setgroups} to
 * every thread of the process (the JVM's included), not only the caller's,
 * which is what a multi-threaded process needs. Each call that fails throws
 * with the system's reason ({@code strerror(errno)}).
 *
 * <p>Linux only (the constants are Linux's). Thread-safe: the handles are
 * made once; every call allocates its arguments in an arena of its own.
 */
final class Posix {
    /** {@code RLIMIT_NOFILE} on Linux. */
    private static final int RLIMIT_NOFILE = 7;
    /** {@code O_RDWR}. */
    static final int O_RDWR = 2;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final StructLayout RLIMIT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("cur"), ValueLayout.JAVA_LONG.withName("max"));

    private static final MethodHandle SETGROUPS = call("setgroups", ValueLayout.JAVA_LONG, ValueLayout.ADDRESS);
    private static final MethodHandle SETGID = call("setgid", ValueLayout.JAVA_INT);
    private static final MethodHandle SETUID = call("setuid", ValueLayout.JAVA_INT);
    private static final MethodHandle CHROOT = call("chroot", ValueLayout.ADDRESS);
    private static final MethodHandle CHDIR = call("chdir", ValueLayout.ADDRESS);
    private static final MethodHandle GETRLIMIT = call("getrlimit", ValueLayout.JAVA_INT, ValueLayout.ADDRESS);
    private static final MethodHandle SETRLIMIT = call("setrlimit", ValueLayout.JAVA_INT, ValueLayout.ADDRESS);
    private static final MethodHandle SETSID = call("setsid");
    /** {@code mmap} returns a pointer: its own handle. */
    private static final MethodHandle MMAP = LINKER.downcallHandle(LIBC.find("mmap").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
            Linker.Option.captureCallState("errno"));
    private static final MethodHandle MUNMAP = LINKER.downcallHandle(LIBC.find("munmap").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    private static final MethodHandle DUP2 = call("dup2", ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    /** {@code open} is variadic: its mode, absent here, would be the first variadic argument. */
    private static final MethodHandle OPEN = LINKER.downcallHandle(LIBC.find("open").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
            Linker.Option.captureCallState("errno"));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(LIBC.find("strerror").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private Posix() {
    }

    /** A handle to {@code int name(args...)} that captures errno. */
    private static MethodHandle call(String name, MemoryLayout... args) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(() -> new IllegalStateException("no " + name)),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, args), Linker.Option.captureCallState("errno"));
    }

    /** Leaves every supplementary group; with {@code gid} >= 0, keeps that one only. */
    static void setgroups(int gid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment list = arena.allocate(ValueLayout.JAVA_INT);
            list.set(ValueLayout.JAVA_INT, 0, gid);
            long count = gid >= 0 ? 1 : 0;
            check("setgroups", (int) invoke(SETGROUPS, state, count, gid >= 0 ? list : MemorySegment.NULL), state);
        }
    }

    static void setgid(int gid) {
        simple("setgid(" + gid + ")", SETGID, gid);
    }

    static void setuid(int uid) {
        simple("setuid(" + uid + ")", SETUID, uid);
    }

    /** {@code chdir(dir)}, {@code chroot(dir)}, {@code chdir("/")}: no directory outside the new root stays current. */
    static void chroot(String dir) {
        withPath("chdir(" + dir + ")", CHDIR, dir);
        withPath("chroot(" + dir + ")", CHROOT, dir);
        withPath("chdir(/)", CHDIR, "/");
    }

    /** The descriptor limit: {soft, hard}. */
    static long[] descriptorLimit() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment limit = arena.allocate(RLIMIT);
            check("getrlimit(RLIMIT_NOFILE)", (int) invoke(GETRLIMIT, state, RLIMIT_NOFILE, limit), state);
            return new long[] {limit.get(ValueLayout.JAVA_LONG, 0), limit.get(ValueLayout.JAVA_LONG, 8)};
        }
    }

    /** Sets the descriptor limit; a soft limit above the hard one needs privileges (raising the hard one too). */
    static void descriptorLimit(long soft, long hard) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment limit = arena.allocate(RLIMIT);
            limit.set(ValueLayout.JAVA_LONG, 0, soft);
            limit.set(ValueLayout.JAVA_LONG, 8, hard);
            check("setrlimit(RLIMIT_NOFILE, " + soft + ", " + hard + ")",
                    (int) invoke(SETRLIMIT, state, RLIMIT_NOFILE, limit), state);
        }
    }

    /**
     * {@code bytes} of anonymous private memory, mapped for the life of the
     * process: the system gives it pages (zeroed) only where it is first
     * written, so a buffer pool carved from it costs resident memory for the
     * buffers traffic has used, not for all of them. Returned as a direct
     * buffer; never unmapped.
     */
    static java.nio.ByteBuffer anonymousMemory(long bytes) {
        return mmap(bytes).reinterpret(bytes).asByteBuffer();
    }

    /** {@code bytes} of anonymous private memory, as a zero-length segment at its address. */
    private static MemorySegment mmap(long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment address = (MemorySegment) invoke(MMAP, state, MemorySegment.NULL, bytes,
                    PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0L);
            check("mmap(" + bytes + ")", address.address() == -1L ? -1 : 0, state);
            return address;
        }
    }

    /**
     * The same, unmapped once nothing reaches the buffer or a slice of it
     * any more (the JDK's automatic arena), for memory that lives as long as
     * one configuration's generation: a TLS record arena.
     */
    static java.nio.ByteBuffer anonymousMemoryUntilUnreachable(long bytes) {
        MemorySegment mapped = mmap(bytes);
        long base = mapped.address();
        return mapped.reinterpret(bytes, Arena.ofAuto(), s -> unmap(base, bytes)).asByteBuffer();
    }

    private static void unmap(long base, long bytes) {
        try {
            int ignored = (int) MUNMAP.invokeExact(MemorySegment.ofAddress(base), bytes);
        } catch (Throwable e) {
            // A cleaner has nobody to tell; the mapping stays, as it would have without this.
        }
    }

    /** A new session, without a controlling terminal: a hang-up of the terminal no longer reaches the process. */
    static void setsid() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int r = (int) invoke(SETSID, state);
            check("setsid", r < 0 ? -1 : 0, state);
        }
    }

    /** Points descriptors {@code targets} at {@code path} (opened read-write), as a daemon does with /dev/null. */
    static void redirect(String path, int... targets) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) invoke(OPEN, state, arena.allocateFrom(path), O_RDWR);
            check("open(" + path + ")", fd < 0 ? -1 : 0, state);
            for (int target : targets) {
                int r = (int) invoke(DUP2, state, fd, target);
                check("dup2(" + fd + ", " + target + ")", r < 0 ? -1 : 0, state);
            }
        }
    }

    private static void simple(String what, MethodHandle handle, int arg) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            check(what, (int) invoke(handle, state, arg), state);
        }
    }

    private static void withPath(String what, MethodHandle handle, String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            check(what, (int) invoke(handle, state, arena.allocateFrom(path)), state);
        }
    }

    private static Object invoke(MethodHandle handle, Object... args) {
        try {
            return handle.invokeWithArguments(args);
        } catch (Throwable t) {
            throw new IllegalStateException("native call failed: " + t, t);
        }
    }

    /** Throws with the system's reason when a call returned -1. */
    private static void check(String what, int result, MemorySegment state) {
        if (result != -1) {
            return;
        }
        int errno = (int) ERRNO.get(state, 0L);
        throw new PosixException(what + " failed: " + strerror(errno), errno);
    }

    private static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invoke(errno);
            return text.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /** A system call that failed, with its errno. */
    static final class PosixException extends RuntimeException {
        final int errno;

        PosixException(String message, int errno) {
            super(message);
            this.errno = errno;
        }
    }
}
