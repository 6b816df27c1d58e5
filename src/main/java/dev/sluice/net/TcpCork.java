package dev.sluice.net;

import java.io.FileDescriptor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.nio.channels.SocketChannel;

/**
 * Linux's {@code TCP_CORK}: while it is set, the kernel sends no segment
 * shorter than the path's MSS; clearing it, or a shutdown or close, sends what
 * it held at once (and Linux holds nothing longer than 200 ms in any case).
 *
 * <p>Sluice corks a connection while it writes one message in several writes
 * back to back: a 20 KB response through a 16 KB buffer then leaves as one
 * segment, with the FIN when the connection ends after it, instead of two
 * segments and two wakeups of the client. HAProxy gets the same effect from
 * {@code MSG_MORE}, which the JDK cannot pass.
 *
 * <p>The JDK has no public option for it, so this calls the JDK's own
 * {@code setsockopt} wrapper ({@code sun.nio.ch.Net}). That needs
 * {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}: the jar's manifest and
 * the test configuration carry it. Without it, or off Linux, {@link #available()}
 * is false and corking does nothing: only the packet count changes, never the bytes.
 */
public final class TcpCork {
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_CORK = 3;
    private static final MethodHandle SET_INT_OPTION;
    private static final MethodHandle GET_FD;
    /** Why corking is off, or null when it is available. */
    private static final String UNAVAILABLE;

    static {
        MethodHandle set = null;
        MethodHandle fd = null;
        String why = null;
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            why = "TCP_CORK exists on Linux only";
        } else {
            try {
                Class<?> net = Class.forName("sun.nio.ch.Net");
                Method m = net.getDeclaredMethod("setIntOption0", FileDescriptor.class, boolean.class,
                        int.class, int.class, int.class, boolean.class);
                m.setAccessible(true);
                set = MethodHandles.lookup().unreflect(m);
                Method g = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFD");
                g.setAccessible(true);
                fd = MethodHandles.lookup().unreflect(g);
            } catch (ReflectiveOperationException | RuntimeException e) {
                set = null;
                fd = null;
                why = "the JDK's socket options are closed to Sluice (--add-opens java.base/sun.nio.ch=ALL-UNNAMED): " + e;
            }
        }
        SET_INT_OPTION = set;
        GET_FD = fd;
        UNAVAILABLE = why;
    }

    private TcpCork() {
    }

    /** Whether {@link #set} really corks. */
    public static boolean available() {
        return UNAVAILABLE == null;
    }

    /** Why corking is off ({@code null} when {@link #available()}). */
    public static String unavailableReason() {
        return UNAVAILABLE;
    }

    /** Sets or clears TCP_CORK on a connected socket; does nothing when not {@link #available()}. */
    public static void set(SocketChannel channel, boolean on) throws java.io.IOException {
        if (SET_INT_OPTION == null) {
            return;
        }
        try {
            FileDescriptor fd = (FileDescriptor) GET_FD.invoke(channel);
            SET_INT_OPTION.invoke(fd, false, IPPROTO_TCP, TCP_CORK, on ? 1 : 0, false);
        } catch (java.io.IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
