package dev.sluice.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A frontend's maxconn counts against the process's: a session enters both or neither. */
class ConnectionLimitTest {
    @Test
    void aSessionRefusedByTheProcessBoundLeavesTheFrontendCountUntouched() {
        ConnectionLimit process = new ConnectionLimit("process", 1);
        ConnectionLimit a = new ConnectionLimit("a", 5, process);
        ConnectionLimit b = new ConnectionLimit("b", 5, process);
        assertTrue(a.tryEnter());
        assertFalse(b.hasRoom(), "the process is full, so b has no room either");
        assertFalse(b.tryEnter());
        assertEquals(0, b.current());
        assertEquals(1, process.refused());
        a.leave();
        assertEquals(0, process.current());
        assertTrue(b.tryEnter());
    }

    @Test
    void aSessionRefusedByTheFrontendBoundGivesItsProcessPlaceBack() {
        ConnectionLimit process = new ConnectionLimit("process", 10);
        ConnectionLimit a = new ConnectionLimit("a", 1, process);
        assertTrue(a.tryEnter());
        assertFalse(a.tryEnter());
        assertEquals(1, process.current());
        assertEquals(1, a.refused());
    }
}
