package dev.sluice.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.buffer.BufferPool;
import dev.sluice.loop.LoopCounters;
import dev.sluice.session.SessionCounters;
import org.junit.jupiter.api.Test;

class SummaryTest {
    @Test
    void inboxRefusalsOfEveryLoopAreSummedAndPrinted() {
        Summary.Builder b = new Summary.Builder();
        for (long refused : new long[] {3, 4}) {
            LoopCounters counters = new LoopCounters();
            counters.inboxFull = refused;
            b.addLoop(counters, new BufferPool(4, 64, 1, () -> 0L), new SessionCounters());
        }
        Summary s = b.build();
        assertEquals(7, s.get("inbox_full"));
        assertTrue(s.render().contains("inbox_full 7\n"), s.render());
    }
}
