package dev.sluice.backend;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One origin server of a backend, and its connection slots.
 *
 * <p>{@code maxconn} slots are shared by every loop (the limit is per server),
 * so the slot count is atomic. Taking a slot is a compare-and-set; giving one
 * back goes through the {@link Backend}, which hands it to the oldest queued
 * session if there is one.
 *
 * <p>Thread-safe.
 */
public final class Server {
    private final String name;
    private final InetSocketAddress address;
    private final int maxconn;
    private final int maxqueue;
    private final AtomicInteger slotsInUse = new AtomicInteger();
    private final AtomicLong sessions = new AtomicLong();
    private final AtomicLong connectErrors = new AtomicLong();
    private volatile int peakSlotsInUse;

    /**
     * @param maxconn  slots, or 0 for no limit
     * @param maxqueue how many sessions may wait for this server, or 0 for no limit
     */
    public Server(String name, InetSocketAddress address, int maxconn, int maxqueue) {
        if (maxconn < 0 || maxqueue < 0) {
            throw new IllegalArgumentException("maxconn and maxqueue must not be negative");
        }
        this.name = name;
        this.address = address;
        this.maxconn = maxconn;
        this.maxqueue = maxqueue;
    }

    /** Takes a slot if one is free. */
    boolean tryTakeSlot() {
        while (true) {
            int n = slotsInUse.get();
            if (maxconn > 0 && n >= maxconn) {
                return false;
            }
            if (slotsInUse.compareAndSet(n, n + 1)) {
                if (n + 1 > peakSlotsInUse) {
                    peakSlotsInUse = n + 1;
                }
                sessions.incrementAndGet();
                return true;
            }
        }
    }

    /** Returns a slot to the free count (when no queued session takes it over). */
    void freeSlot() {
        int n = slotsInUse.decrementAndGet();
        if (n < 0) {
            throw new IllegalStateException("server " + name + " released more slots than it gave");
        }
    }

    /** A slot moves from one session to a queued one without ever being free. */
    void slotTransferred() {
        sessions.incrementAndGet();
    }

    public String name() {
        return name;
    }

    public InetSocketAddress address() {
        return address;
    }

    public int maxconn() {
        return maxconn;
    }

    public int maxqueue() {
        return maxqueue;
    }

    public boolean hasMaxconn() {
        return maxconn > 0;
    }

    public int slotsInUse() {
        return slotsInUse.get();
    }

    public int peakSlotsInUse() {
        return peakSlotsInUse;
    }

    /** Sessions that were given a slot on this server, in total. */
    public long sessions() {
        return sessions.get();
    }

    public long connectErrors() {
        return connectErrors.get();
    }

    public void countConnectError() {
        connectErrors.incrementAndGet();
    }

    @Override
    public String toString() {
        return name + "(" + address + ")";
    }
}
