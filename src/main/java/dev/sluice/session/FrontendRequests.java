package dev.sluice.session;

/**
 * The HTTP requests one frontend received, counted per loop: each loop adds
 * to its own slot with a plain write (no lock, no atomic, no allocation on
 * the request path), and a reader on any thread sums the slots. A read sees
 * a recent value of each slot; the sum only grows.
 *
 * <p>Slots are a cache line apart, so that loops counting for the same
 * frontend do not share a line. Sized at start-up for the generation's loops:
 * 64 B per loop and frontend.
 */
public final class FrontendRequests {
    /** A frontend that counts nothing (tests and frontends built without loops). */
    public static final FrontendRequests NONE = new FrontendRequests(0);

    /** Longs per slot: 64 bytes. */
    private static final int STRIDE = 8;

    private final long[] slots;

    public FrontendRequests(int loops) {
        this.slots = new long[loops * STRIDE];
    }

    /** One request arrived on loop {@code loop}; called only by that loop. */
    void arrived(int loop) {
        int i = loop * STRIDE;
        if (i < slots.length) {
            slots[i]++;
        }
    }

    /** Requests received on every loop since the frontend was built (any thread). */
    public long total() {
        long n = 0;
        for (int i = 0; i < slots.length; i += STRIDE) {
            n += slots[i];
        }
        return n;
    }
}
