package dev.sluice.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/**
 * Random sequences of allocations, waits, releases and cancels, over every
 * class, checked step by step against a model of what the pool promises:
 * production handoff, and the comparison policies of {@link ComparisonPool}
 * (whose woken waiters retry later, or at once, and may be reclassified first).
 */
class BufferPoolProperties {
    private static final Criticality[] CLASSES = Criticality.values();

    enum Kind { TRY, WAIT, RELEASE, CANCEL, RETRY }

    /** One action; {@code pick} chooses which held buffer or queued waiter it applies to. */
    record Step(Kind kind, Criticality criticality, int pick) {
    }

    @Provide
    Arbitrary<Step> handoffSteps() {
        return steps(Arbitraries.of(Kind.TRY, Kind.WAIT, Kind.WAIT, Kind.RELEASE, Kind.RELEASE, Kind.CANCEL));
    }

    @Provide
    Arbitrary<Step> retrySteps() {
        return steps(Arbitraries.of(Kind.TRY, Kind.WAIT, Kind.WAIT, Kind.RELEASE, Kind.RELEASE, Kind.CANCEL, Kind.RETRY));
    }

    private static Arbitrary<Step> steps(Arbitrary<Kind> kinds) {
        return Combinators.combine(kinds, Arbitraries.of(CLASSES), Arbitraries.integers().between(0, 1 << 10))
                .as(Step::new);
    }

    @Provide
    Arbitrary<String> comparisonPolicies() {
        return Arbitraries.of("WAKE_ONE", "WAKE_ALL");
    }

    @Property(tries = 1500)
    void handoffKeepsEveryPromiseAfterEveryStep(
            @ForAll @IntRange(min = 1, max = 6) int size,
            @ForAll @IntRange(min = 0, max = 5) int reserveChoice,
            @ForAll @Size(max = 250) List<@net.jqwik.api.From("handoffSteps") Step> steps) {
        Model model = new Model(size, reserveChoice % size, "HANDOFF");
        for (Step step : steps) {
            model.apply(step);
            model.checkAfterStep();
        }
        Statistics.label("handoffs").collect(model.handoffsOf(Criticality.NORMAL) > 0 ? "NORMAL handed" : "none to NORMAL");
    }

    @Property(tries = 1000)
    void comparisonPoliciesLoseNoBufferWhenWaitersRetry(
            @ForAll("comparisonPolicies") String policy,
            @ForAll @IntRange(min = 1, max = 6) int size,
            @ForAll @IntRange(min = 0, max = 5) int reserveChoice,
            @ForAll @Size(max = 250) List<@net.jqwik.api.From("retrySteps") Step> steps) {
        Model model = new Model(size, reserveChoice % size, policy);
        for (Step step : steps) {
            model.apply(step);
            model.checkAfterStep();
        }
        model.drain();
        Statistics.label("failed wakeups").collect(model.failedWakeups() > 0 ? "some" : "none");
    }

    /** A waiter that reports every buffer it is handed to the model. */
    static final class Probe extends BufferWaiter {
        final int id;
        /** The class it waits in; a reclassification before a retry may switch it, as a session that gained or lost a slot. */
        Criticality criticality;
        private final Model model;
        long queuedAt;
        /** Comparison policies: retries from inside its wakeup rather than as a later step. */
        boolean retriesInCallback;
        /** Comparison policies: is reclassified to the next class right before its retry. */
        boolean switchesClassOnRetry;
        int lastWokenInRelease = -1;

        Probe(int id, Criticality criticality, Model model) {
            this.id = id;
            this.criticality = criticality;
            this.model = model;
        }

        @Override
        protected void onBuffer(Buffer buffer) {
            model.handed(this, buffer);
        }

        @Override
        public String toString() {
            return criticality + "#" + id;
        }
    }

    /** A comparison policy's wakeup whose retry has not run. */
    record Wakeup(Probe probe, Runnable retry) {
    }

    /** What the pool should look like, kept apart from the pool's own bookkeeping. */
    static final class Model {
        final BufferPool pool;
        final int reserve;
        final boolean handoff;
        final List<Buffer> held = new ArrayList<>();
        /**
         * Per class, the waiters in the order they queued: the order they must be
         * served in. Under the comparison policies a woken waiter stays here until
         * its retry.
         */
        final List<ArrayDeque<Probe>> queued = new ArrayList<>();
        /** Woken and not yet retried (comparison policies). */
        final List<Wakeup> woken = new ArrayList<>();
        final FakeClock clock = new FakeClock();
        final long[] handoffs = new long[CLASSES.length];
        final long[] allocations = new long[CLASSES.length];
        final long[] waits = new long[CLASSES.length];
        final long[] waitNanos = new long[CLASSES.length];
        final long[] cancels = new long[CLASSES.length];
        final long[] failedWakeups = new long[CLASSES.length];
        int peakInUse;
        int nextId;
        int releases;
        /** Set while a retry runs, to tell a retry's allocation from a release's handoff. */
        Probe retrying;
        boolean retryHanded;
        /** Buffers that comparison retries (and the reclassifications before them) took, in total. */
        long retryTakes;

        Model(int size, int reserve, String policy) {
            this.reserve = reserve;
            this.handoff = policy.equals("HANDOFF");
            this.pool = handoff ? new BufferPool(size, 8, reserve, clock)
                    : new ComparisonPool(ComparisonPool.policy(policy), size, 8, reserve, clock, this::wokenToRetry);
            for (int c = 0; c < CLASSES.length; c++) {
                queued.add(new ArrayDeque<>());
            }
        }

        void apply(Step step) {
            Criticality c = step.criticality();
            clock.advance(step.pick() >> 7);
            switch (step.kind()) {
                case TRY -> {
                    int freeBefore = pool.free();
                    Buffer b = pool.tryAllocate(c);
                    if (b == null) {
                        assertTrue(freeBefore - 1 < c.margin(reserve), c + " refused with " + freeBefore + " free");
                    } else {
                        allocated(b, c);
                    }
                }
                case WAIT -> {
                    boolean classWasEmpty = queued.get(c.ordinal()).isEmpty();
                    Probe p = new Probe(nextId++, c, this);
                    p.retriesInCallback = !handoff && (step.pick() & 1) != 0;
                    p.switchesClassOnRetry = !handoff && (step.pick() & 2) != 0;
                    Buffer b = pool.allocateOrWait(c, p);
                    if (b == null) {
                        assertTrue(p.isWaiting());
                        waits[c.ordinal()]++;
                        enqueued(p);
                    } else {
                        // Only handoff promises this: the others leave freed buffers to whoever asks first.
                        assertTrue(classWasEmpty || !handoff, "a new " + c + " allocation jumped its queue");
                        allocated(b, c);
                    }
                }
                case RELEASE -> {
                    if (held.isEmpty()) {
                        return;
                    }
                    Buffer b = held.remove(step.pick() % held.size());
                    int freeBefore = pool.free();
                    long handoffsBefore = totalHandoffs();
                    long retryTakesBefore = retryTakes;
                    releases++;
                    pool.release(b);
                    if (handoff && totalHandoffs() == handoffsBefore) {
                        assertEquals(freeBefore + 1, pool.free(), "an unclaimed release goes to the free list");
                        assertFalse(b.inUse);
                    } else if (handoff) {
                        assertEquals(freeBefore, pool.free(), "a handoff bypasses the free list");
                    } else {
                        assertEquals(freeBefore + 1 - (retryTakes - retryTakesBefore), pool.free(),
                                "comparison policies free the buffer; only retries run at once took any");
                    }
                }
                case CANCEL -> {
                    // Waiters whose retry is due are left alone here (WAKE_ONE would strand the
                    // others, a weakness of that policy rather than of the pool); a unit test covers them.
                    List<Probe> all = new ArrayList<>();
                    queued.forEach(all::addAll);
                    all.removeIf(this::isPending);
                    if (all.isEmpty()) {
                        return;
                    }
                    Probe p = all.get(step.pick() % all.size());
                    pool.cancel(p);
                    assertFalse(p.isWaiting());
                    queued.get(p.criticality.ordinal()).remove(p);
                    cancels[p.criticality.ordinal()]++;
                    left(p);
                }
                case RETRY -> {
                    if (woken.isEmpty()) {
                        return;
                    }
                    retry(woken.remove(step.pick() % woken.size()));
                }
            }
        }

        private boolean isPending(Probe p) {
            for (Wakeup w : woken) {
                if (w.probe() == p) {
                    return true;
                }
            }
            return false;
        }

        /** A comparison policy woke {@code w} without a buffer (from inside a release). */
        private void wokenToRetry(BufferWaiter w, Runnable retry) {
            Probe p = (Probe) w;
            assertTrue(p.isWaiting(), "a woken waiter keeps its place until its retry");
            assertTrue(queued.get(p.criticality.ordinal()).contains(p), p + " woken but not queued");
            assertFalse(isPending(p), p + " woken again before its retry");
            assertTrue(p.lastWokenInRelease != releases, p + " woken twice by one release");
            p.lastWokenInRelease = releases;
            Wakeup wakeup = new Wakeup(p, retry);
            if (p.retriesInCallback) {
                retry(wakeup);
            } else {
                woken.add(wakeup);
            }
        }

        private void retry(Wakeup wakeup) {
            Probe p = wakeup.probe();
            if (p.switchesClassOnRetry && p.isWaiting()) {
                Criticality to = CLASSES[(p.criticality.ordinal() + 1) % CLASSES.length];
                boolean fits = pool.free() - 1 >= to.margin(reserve);
                Buffer b = pool.reclassify(p, to);
                assertEquals(fits, b != null, "a reclassification to " + to + " with " + pool.free() + " free");
                if (b != null) {
                    queued.get(p.criticality.ordinal()).remove(p);
                    left(p);
                    allocated(b, to);
                    retryTakes++;
                } else {
                    queued.get(p.criticality.ordinal()).remove(p);
                    queued.get(to.ordinal()).addLast(p);
                }
                p.criticality = to;
            }
            boolean wasQueued = queued.get(p.criticality.ordinal()).contains(p);
            Criticality c = p.criticality;
            boolean fits = pool.free() - 1 >= c.margin(reserve);
            retrying = p;
            retryHanded = false;
            wakeup.retry().run();
            retrying = null;
            if (!wasQueued) {
                assertFalse(retryHanded, "a waiter that left its queue was handed a buffer by its retry");
                return;
            }
            assertEquals(fits, retryHanded, p + "'s retry with " + (pool.free() + (retryHanded ? 1 : 0)) + " free");
            if (!retryHanded) {
                assertTrue(p.isWaiting(), "a failed retry queues again");
                failedWakeups[c.ordinal()]++;
                // To the tail of its class; it keeps waiting from when it first queued.
                queued.get(c.ordinal()).remove(p);
                queued.get(c.ordinal()).addLast(p);
            }
        }

        private void allocated(Buffer b, Criticality c) {
            assertTrue(b.inUse);
            assertSame(c, b.allocatedAs());
            assertTrue(pool.free() >= c.margin(reserve), c + " allocation left " + pool.free() + " free, reserve " + reserve);
            allocations[c.ordinal()]++;
            held.add(b);
        }

        private void enqueued(Probe p) {
            p.queuedAt = clock.getAsLong();
            queued.get(p.criticality.ordinal()).addLast(p);
        }

        /** A waiter leaves its queue (served or cancelled): its wait counts from its first queueing to now. */
        private void left(Probe p) {
            waitNanos[p.criticality.ordinal()] += clock.getAsLong() - p.queuedAt;
        }

        /** A buffer reached {@code p}: a handoff inside a release, or a comparison policy's retry. */
        void handed(Probe p, Buffer buffer) {
            Criticality c = p.criticality;
            assertNotNull(buffer, "a waiter is never handed null");
            assertFalse(p.isWaiting(), "a served waiter has left its queue");
            assertTrue(buffer.inUse, "a handed buffer stays in use: the waiter owns it");
            assertSame(c, buffer.allocatedAs());
            assertTrue(pool.free() >= c.margin(reserve), c + " given a buffer leaving " + pool.free() + " free, reserve " + reserve);
            if (!handoff) {
                assertSame(retrying, p, "comparison policies hand a buffer only to a waiter's own retry");
                retryHanded = true;
                retryTakes++;
                queued.get(c.ordinal()).remove(p);
                left(p);
                // A retry allocates, as any allocation does; nothing is handed off.
                allocations[c.ordinal()]++;
                held.add(buffer);
                return;
            }
            assertSame(p, queued.get(c.ordinal()).peekFirst(), "served out of FIFO order in " + c);
            queued.get(c.ordinal()).removeFirst();
            left(p);
            // The free count does not change during a handoff, so pool.free() is the count the
            // released buffer would have joined minus one: a class was eligible iff free >= margin.
            for (int k = 0; k < c.ordinal(); k++) {
                if (!queued.get(k).isEmpty()) {
                    assertTrue(pool.free() < CLASSES[k].margin(reserve),
                            c + " served while the more critical " + CLASSES[k] + " could take the buffer");
                }
            }
            assertTrue(p.lastWokenInRelease != releases, p + " woken twice by one release");
            p.lastWokenInRelease = releases;
            handoffs[c.ordinal()]++;
            held.add(buffer);
        }

        void checkAfterStep() {
            pool.checkInvariants();
            peakInUse = Math.max(peakInUse, held.size());
            assertEquals(peakInUse, pool.peakInUse(), "peak in use");
            assertEquals(held.size(), pool.inUse(), "buffers held by the model");
            assertEquals(pool.size(), pool.free() + held.size(), "no buffer lost or duplicated");
            Map<Buffer, Boolean> distinct = new IdentityHashMap<>();
            for (Buffer b : held) {
                assertNull(distinct.put(b, Boolean.TRUE), b + " held twice");
                assertTrue(b.inUse);
            }
            if (!handoff) {
                assertEquals(woken.size(), ((ComparisonPool) pool).pendingRetries(), "retries due");
            }
            for (Criticality c : CLASSES) {
                int k = c.ordinal();
                assertEquals(queued.get(k).size(), pool.waiting(c), "waiting " + c);
                assertEquals(allocations[k], pool.counters().allocations(c), "allocations " + c);
                assertEquals(waits[k], pool.counters().waits(c), "waits " + c);
                assertEquals(cancels[k], pool.counters().cancels(c), "cancels " + c);
                assertEquals(waitNanos[k], pool.counters().waitNanos(c), "wait time " + c);
                assertEquals(failedWakeups[k], pool.counters().failedWakeups(c), "failed wakeups " + c);
                if (handoff) {
                    assertEquals(handoffs[c.ordinal()], pool.counters().handoffs(c), "handoffs " + c);
                    if (!queued.get(c.ordinal()).isEmpty()) {
                        assertTrue(pool.free() - 1 < c.margin(reserve),
                                c + " waiters wait while " + pool.free() + " buffers are free (reserve " + reserve + ")");
                    }
                } else {
                    assertEquals(0, pool.counters().handoffs(c), "comparison policies never hand over");
                }
            }
        }

        /** Releases everything and lets woken waiters retry until nobody holds, waits or has a retry due. */
        void drain() {
            for (int round = 0; round < 100_000 && (!held.isEmpty() || !woken.isEmpty()); round++) {
                if (!held.isEmpty()) {
                    releases++;
                    pool.release(held.remove(held.size() - 1));
                } else {
                    retry(woken.remove(0));
                }
                checkAfterStep();
            }
            assertTrue(held.isEmpty() && woken.isEmpty(), "drain did not finish");
            assertEquals(0, pool.waitingTotal(), "waiters stranded after every buffer came back");
            assertEquals(pool.size(), pool.free(), "every buffer is back");
            assertEquals(0, pool.inUse());
        }

        long handoffsOf(Criticality c) {
            return handoffs[c.ordinal()];
        }

        long totalHandoffs() {
            long n = 0;
            for (Criticality c : CLASSES) {
                n += pool.counters().handoffs(c);
            }
            return n;
        }

        long failedWakeups() {
            long n = 0;
            for (Criticality c : CLASSES) {
                n += pool.counters().failedWakeups(c);
            }
            return n;
        }
    }
}
