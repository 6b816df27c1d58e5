package dev.sluice.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.net.ConnectionHandler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The simulator's own guarantees: a seed replays exactly, and a spinning loop or a stuck world is caught. */
class SimWorldTest {
    private static SimScenario small() {
        return SimScenario.tcp().pool(3, 1).server(1).clients(50).behaviors(2, 1, 1, 0);
    }

    @Test
    void aSeedReplaysTheSameRunEventForEvent() {
        SimRun a = small().run(42);
        SimRun b = small().run(42);
        assertEquals(a.summary(), b.summary());
        assertEquals(a.world.eventsRun(), b.world.eventsRun());
        assertEquals(a.world.now(), b.world.now());
    }

    @Test
    void anotherSeedGivesAnotherRun() {
        assertNotEquals(small().run(42).world.now(), small().run(43).world.now());
    }

    @Test
    void eventsAtOneInstantRunInTheOrderTheyWereScheduled() {
        SimWorld world = new SimWorld(1);
        List<Integer> order = new ArrayList<>();
        world.at(5, () -> order.add(2));
        world.at(3, () -> order.add(1));
        world.at(5, () -> order.add(3));
        world.at(5, () -> world.after(0, () -> order.add(4)));
        assertEquals(SimWorld.Ending.FINISHED, world.run(() -> true, 1_000, 1_000));
        assertEquals(List.of(1, 2, 3, 4), order);
        assertEquals(5, world.now());
    }

    @Test
    void aHandlerThatNeverReadsWhatIsReadableIsABusyLoop() {
        SimWorld world = new SimWorld(7);
        SimLoop loop = world.addLoop(2, 64, 0);
        SimConnection[] pair = SimConnection.pair(world, "spin", new SimLink(1_000, 1_000, 64, 256), loop, end -> { });
        pair[0].handler(new ConnectionHandler() {
            @Override
            public void readable() {
                // Level-triggered readiness reported again and again, and nothing consumed.
            }

            @Override
            public void writable() {
            }
        });
        pair[0].readInterest(true);
        world.at(0, () -> write(pair[1], new byte[] {1, 2, 3}));
        SimFailure failure = assertThrows(SimFailure.class, () -> world.run(() -> false, 1_000_000_000L, 1_000_000_000L));
        assertTrue(failure.getMessage().startsWith("busy loop"), failure.getMessage());
    }

    @Test
    void aWorldWithPendingWorkAndNothingLeftToRunIsADeadlock() {
        SimWorld world = new SimWorld(7);
        world.addLoop(2, 64, 0);
        world.at(10, () -> { });
        assertEquals(SimWorld.Ending.DEADLOCK, world.run(() -> false, 1_000_000_000L, 1_000_000_000L));
        assertTrue(world.deadlock().startsWith("quiescent"), world.deadlock());
    }

    private static void write(SimConnection end, byte[] bytes) {
        try {
            end.write(bytes, 0, bytes.length);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
