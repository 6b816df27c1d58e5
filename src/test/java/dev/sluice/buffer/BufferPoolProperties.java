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
 * class, checked step by step against a model of what the pool promises.
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

    /** A waiter that reports every wakeup to the model. */
    static final class Probe extends BufferWaiter {
        final int id;
        /** The class it waits in; a retry may switch it, as a session that gained or lost a server slot. */
        Criticality criticality;
        private final Model model;
        long queuedAt;
        /** Comparison policies: retries from inside its wakeup callback rather than as a later step. */
        boolean retriesInCallback;
        /** Comparison policies: retries under the other class. */
        boolean switchesClassOnRetry;
        int lastWokenInRelease = -1;

        Probe(int id, Criticality criticality, Model model) {
            this.id = id;
            this.criticality = criticality;
            this.model = model;
        }

        @Override
        protected void onBuffer(Buffer buffer) {
            model.woken(this, buffer);
        }

        @Override
        public String toString() {
            return criticality + "#" + id;
        }
    }

    /** What the pool should look like, kept apart from the pool's own bookkeeping. */
    static final class Model {
        final BufferPool pool;
        final int reserve;
        final boolean handoff;
        final List<Buffer> held = new ArrayList<>();
        /** Per class, the waiters in the order they queued: the order they must be served in. */
        final List<ArrayDeque<Probe>> queued = new ArrayList<>();
        /** Woken without a buffer and not yet retried (comparison policies). */
        final List<Probe> woken = new ArrayList<>();
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

        Model(int size, int reserve, String policy) {
            this.pool = new BufferPool(size, 8, reserve, clock);
            this.reserve = reserve;
            this.handoff = policy.equals("HANDOFF");
            PoolPolicies.use(pool, policy);
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
                    releases++;
                    pool.release(b);
                    if (handoff && totalHandoffs() == handoffsBefore) {
                        assertEquals(freeBefore + 1, pool.free(), "an unclaimed release goes to the free list");
                        assertFalse(b.inUse);
                    } else if (handoff) {
                        assertEquals(freeBefore, pool.free(), "a handoff bypasses the free list");
                    }
                }
                case CANCEL -> {
                    List<Probe> all = new ArrayList<>();
                    queued.forEach(all::addAll);
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

        private void retry(Probe p) {
            if (p.switchesClassOnRetry) {
                p.criticality = CLASSES[(p.criticality.ordinal() + 1) % CLASSES.length];
            }
            Buffer b = pool.allocateAfterWakeup(p.criticality, p);
            if (b == null) {
                assertTrue(p.isWaiting(), "a failed retry queues again");
                failedWakeups[p.criticality.ordinal()]++;
                enqueued(p);
            } else {
                allocated(b, p.criticality);
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

        /** A waiter leaves its queue (woken or cancelled): its wait counts from now. */
        private void left(Probe p) {
            waitNanos[p.criticality.ordinal()] += clock.getAsLong() - p.queuedAt;
        }

        /** Called from inside {@link BufferPool#release}: checks who was served, and how. */
        void woken(Probe p, Buffer buffer) {
            Criticality c = p.criticality;
            assertSame(p, queued.get(c.ordinal()).peekFirst(), "served out of FIFO order in " + c);
            queued.get(c.ordinal()).removeFirst();
            left(p);
            assertFalse(p.isWaiting(), "a woken waiter has left its queue");
            // The free count does not change during a handoff, so pool.free() is the count the
            // released buffer would have joined minus one: a class was eligible iff free >= margin.
            for (int k = 0; k < c.ordinal(); k++) {
                if (handoff && !queued.get(k).isEmpty()) {
                    assertTrue(pool.free() < CLASSES[k].margin(reserve),
                            c + " served while the more critical " + CLASSES[k] + " could take the buffer");
                }
            }
            assertTrue(p.lastWokenInRelease != releases, p + " woken twice by one release");
            p.lastWokenInRelease = releases;
            if (!handoff) {
                assertNull(buffer, "comparison policies wake without a buffer");
                if (p.retriesInCallback) {
                    retry(p);
                    return;
                }
                woken.add(p);
                return;
            }
            assertNotNull(buffer);
            assertTrue(buffer.inUse, "a handed buffer stays in use: the waiter owns it");
            assertSame(c, buffer.allocatedAs());
            assertTrue(pool.free() >= c.margin(reserve), c + " handoff left " + pool.free() + " free, reserve " + reserve);
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
            for (Criticality c : CLASSES) {
                int k = c.ordinal();
                assertEquals(queued.get(k).size(), pool.waiting(c), "waiting " + c);
                assertEquals(allocations[k], pool.allocations(c), "allocations " + c);
                assertEquals(waits[k], pool.waits(c), "waits " + c);
                assertEquals(cancels[k], pool.cancels(c), "cancels " + c);
                assertEquals(waitNanos[k], pool.waitNanos(c), "wait time " + c);
                assertEquals(failedWakeups[k], pool.failedWakeups(c), "failed wakeups " + c);
                if (handoff) {
                    assertEquals(handoffs[c.ordinal()], pool.handoffs(c), "handoffs " + c);
                    if (!queued.get(c.ordinal()).isEmpty()) {
                        assertTrue(pool.free() - 1 < c.margin(reserve),
                                c + " waiters wait while " + pool.free() + " buffers are free (reserve " + reserve + ")");
                    }
                } else {
                    assertEquals(0, pool.handoffs(c), "comparison policies never hand over");
                }
            }
        }

        /** Releases everything and lets woken waiters retry until nobody holds or waits. */
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
                n += pool.handoffs(c);
            }
            return n;
        }

        long failedWakeups() {
            long n = 0;
            for (Criticality c : CLASSES) {
                n += pool.failedWakeups(c);
            }
            return n;
        }
    }
}
