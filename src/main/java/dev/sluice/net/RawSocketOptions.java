package dev.sluice.net;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.nio.channels.NetworkChannel;
import java.util.Locale;

/**
 * Integer socket options the JDK has no public name for ({@code TCP_CORK},
 * {@code IPV6_V6ONLY}, {@code TCP_DEFER_ACCEPT}, {@code TCP_FASTOPEN}), set
 * through the JDK's own {@code setsockopt} wrapper ({@code sun.nio.ch.Net}).
 * That needs {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}, which the
 * jar's manifest and the test configuration carry; without it, or off Linux,
 * {@link #available()} is false.
 *
 * <p>Stateless after class initialisation; safe from any thread, on a channel
 * its caller owns.
 */
final class RawSocketOptions {
    static final int IPPROTO_TCP = 6;
    static final int IPPROTO_IPV6 = 41;
    static final int TCP_CORK = 3;
    static final int TCP_DEFER_ACCEPT = 9;
    static final int TCP_FASTOPEN = 23;
    static final int IPV6_V6ONLY = 26;

    private static final MethodHandle SET_INT_OPTION;
    private static final MethodHandle GET_INT_OPTION;
    private static final MethodHandle GET_FD;
    /** Why the options cannot be set, or null when they can. */
    private static final String UNAVAILABLE;

    static {
        MethodHandle set = null;
        MethodHandle get = null;
        MethodHandle fd = null;
        String why = null;
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            why = "these socket options are Linux's";
        } else {
            try {
                Class<?> net = Class.forName("sun.nio.ch.Net");
                Method m = net.getDeclaredMethod("setIntOption0", FileDescriptor.class, boolean.class,
                        int.class, int.class, int.class, boolean.class);
                m.setAccessible(true);
                set = MethodHandles.lookup().unreflect(m);
                Method r = net.getDeclaredMethod("getIntOption0", FileDescriptor.class, boolean.class, int.class,
                        int.class);
                r.setAccessible(true);
                get = MethodHandles.lookup().unreflect(r);
                Method g = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFD");
                g.setAccessible(true);
                fd = MethodHandles.lookup().unreflect(g);
            } catch (ReflectiveOperationException | RuntimeException e) {
                set = null;
                get = null;
                fd = null;
                why = "the JDK's socket options are closed to Sluice (--add-opens java.base/sun.nio.ch=ALL-UNNAMED): "
                        + e;
            }
        }
        SET_INT_OPTION = set;
        GET_INT_OPTION = get;
        GET_FD = fd;
        UNAVAILABLE = why;
    }

    private RawSocketOptions() {
    }

    static boolean available() {
        return UNAVAILABLE == null;
    }

    /** Why {@link #available()} is false, or null. */
    static String unavailableReason() {
        return UNAVAILABLE;
    }

    /** Reads an integer option (what the system holds, to check a setting); -1 when not {@link #available()}. */
    static int get(NetworkChannel channel, int level, int option) throws IOException {
        if (GET_INT_OPTION == null) {
            return -1;
        }
        try {
            FileDescriptor fd = (FileDescriptor) GET_FD.invoke(channel);
            return (int) GET_INT_OPTION.invoke(fd, false, level, option);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Sets an integer option; does nothing when not {@link #available()}. */
    static void set(NetworkChannel channel, int level, int option, int value) throws IOException {
        if (SET_INT_OPTION == null) {
            return;
        }
        try {
            FileDescriptor fd = (FileDescriptor) GET_FD.invoke(channel);
            SET_INT_OPTION.invoke(fd, false, level, option, value, false);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
