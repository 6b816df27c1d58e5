package dev.sluice.backend;

/**
 * One server's check options ({@code check}, {@code inter}, {@code fastinter},
 * {@code downinter}, {@code rise}, {@code fall}, {@code addr}, {@code port},
 * {@code check-send-proxy}), with HAProxy's defaults.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param address the host to check instead of the server's ({@code addr}), or null
 * @param port the port to check instead of the server's ({@code port}), or 0
 * @param interMillis the interval between checks of a server fully UP, and the check's timeout when no
 *                    {@code timeout check} is set (default 2000)
 * @param fastinterMillis the interval while the server goes up or down (between the first failure and
 *                        {@code fall}, or the first success and {@code rise}); 0: {@code inter}
 * @param downinterMillis the interval while the server is fully DOWN; 0: {@code inter}
 * @param rise consecutive passed checks that bring a DOWN server UP (default 2)
 * @param fall consecutive failed checks that bring an UP server DOWN (default 3)
 * @param sendProxy {@code check-send-proxy}: every check connection starts with a PROXY protocol header
 */
public record ServerCheckSpec(String address, int port, long interMillis, long fastinterMillis, long downinterMillis,
                              int rise, int fall, boolean sendProxy) {
    public static final long DEFAULT_INTER_MILLIS = 2000;
    public static final int DEFAULT_RISE = 2;
    public static final int DEFAULT_FALL = 3;

    public static final ServerCheckSpec DEFAULTS = new ServerCheckSpec(null, 0, DEFAULT_INTER_MILLIS, 0, 0,
            DEFAULT_RISE, DEFAULT_FALL, false);

    public ServerCheckSpec {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535]: " + port);
        }
        if (interMillis <= 0 || fastinterMillis < 0 || downinterMillis < 0) {
            throw new IllegalArgumentException("inter must be > 0, fastinter and downinter >= 0");
        }
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("rise and fall must be >= 1: " + rise + ", " + fall);
        }
    }

    public ServerCheckSpec withInter(long inter, long fastinter, long downinter) {
        return new ServerCheckSpec(address, port, inter, fastinter, downinter, rise, fall, sendProxy);
    }

    public ServerCheckSpec withRiseFall(int r, int f) {
        return new ServerCheckSpec(address, port, interMillis, fastinterMillis, downinterMillis, r, f, sendProxy);
    }

    public ServerCheckSpec withTarget(String addr, int p) {
        return new ServerCheckSpec(addr, p, interMillis, fastinterMillis, downinterMillis, rise, fall, sendProxy);
    }

    public ServerCheckSpec withSendProxy(boolean on) {
        return new ServerCheckSpec(address, port, interMillis, fastinterMillis, downinterMillis, rise, fall, on);
    }
}
