package dev.sluice.backend;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The balancing algorithm's choice of one server among a farm's candidates:
 * by hash (map-based or consistent), or dynamically (round robin, static
 * round robin, leastconn, first, random) with the slot taken by
 * compare-and-set. Each loop chooses with a {@link Chooser} of its own, so
 * the choice takes no lock; queueing when every server is full is
 * {@link SlotQueues}' part.
 */
final class ServerChoice {
    private static final int MAX_LOOPS = 4096;

    private final String backend;
    private final BalanceSpec balance;
    private final AtomicReferenceArray<Chooser> choosers = new AtomicReferenceArray<>(MAX_LOOPS);

    ServerChoice(String backend, BalanceSpec balance) {
        this.backend = backend;
        this.balance = balance;
    }

    /** The server a hash designates among the farm's candidates ({@code hash-type}'s map or ring). */
    Server hashed(Farm f, int hash, Server avoid) {
        int c = f.ring != null ? f.ring.lookup(hash, f.candidate(avoid)) : f.map.forHash(hash);
        return f.candidates[c];
    }

    /** A dynamic choice among servers with room, with its slot taken; null when all are full. */
    Server takeDynamic(Farm f, Chooser chooser, Server avoid) {
        int avoidIndex = f.candidate(avoid);
        // A slot seen free may be taken by another loop before the compare-and-set: choose again.
        for (int attempt = 0; attempt <= f.candidates.length; attempt++) {
            int c = switch (balance.algorithm()) {
                case STATIC_RR -> chooser.staticRoundRobin(f, avoidIndex);
                case LEASTCONN -> chooser.leastConnections(f, avoidIndex);
                case FIRST -> Chooser.first(f, avoidIndex);
                case RANDOM -> chooser.random(f, balance.draws(), avoidIndex);
                default -> chooser.roundRobin(f, avoidIndex);
            };
            if (c < 0) {
                return null;
            }
            Server s = f.candidates[c];
            if (s.tryTakeSlot()) {
                return s;
            }
        }
        return null;
    }

    /** The chooser of the waiter's loop, made on the loop's first choice. */
    Chooser chooser(SlotWaiter waiter, int servers) {
        int id = waiter.loop().id();
        Chooser c = choosers.get(id);
        if (c == null) {
            // Once per loop: seeded from the backend and the loop so that a simulated run replays.
            c = new Chooser(servers, (long) backend.hashCode() << 32 ^ id);
            if (!choosers.compareAndSet(id, null, c)) {
                c = choosers.get(id);
            }
        }
        return c;
    }
}
