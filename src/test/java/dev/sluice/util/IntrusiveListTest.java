package dev.sluice.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IntrusiveListTest {
    /** An owner that can be in two lists at once, as a session is in the run queue and the session set. */
    static final class Item {
        final String name;
        final IntrusiveList.Link<Item> inFirst = new IntrusiveList.Link<>(this);
        final IntrusiveList.Link<Item> inSecond = new IntrusiveList.Link<>(this);

        Item(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private final IntrusiveList<Item> list = new IntrusiveList<>();
    private final IntrusiveList<Item> other = new IntrusiveList<>();
    private final Item a = new Item("a");
    private final Item b = new Item("b");
    private final Item c = new Item("c");

    private static List<Item> contents(IntrusiveList<Item> list) {
        List<Item> out = new ArrayList<>();
        for (IntrusiveList.Link<Item> l = list.first(); l != null; l = l.next()) {
            out.add(l.owner());
        }
        return out;
    }

    @Test
    void removeFirstReturnsOwnersInTheOrderTheyWereAdded() {
        list.addLast(a.inFirst);
        list.addLast(b.inFirst);
        list.addLast(c.inFirst);
        assertEquals(3, list.size());
        assertSame(a, list.peekFirst());
        assertSame(a, list.removeFirst());
        assertSame(b, list.removeFirst());
        assertSame(c, list.removeFirst());
        assertNull(list.removeFirst(), "an empty list gives null");
        assertTrue(list.isEmpty());
        assertFalse(a.inFirst.isLinked());
        list.checkInvariants();
    }

    @Test
    void removeTakesALinkOutOfTheMiddleAndKeepsTheOrderOfTheRest() {
        list.addLast(a.inFirst);
        list.addLast(b.inFirst);
        list.addLast(c.inFirst);
        list.remove(b.inFirst);
        assertEquals(List.of(a, c), contents(list));
        list.remove(c.inFirst);
        list.addLast(b.inFirst);
        assertEquals(List.of(a, b), contents(list));
        list.checkInvariants();
    }

    @Test
    void anOwnerSitsInTwoListsThroughItsTwoLinks() {
        list.addLast(a.inFirst);
        other.addLast(b.inSecond);
        other.addLast(a.inSecond);
        assertTrue(list.contains(a.inFirst));
        assertTrue(other.contains(a.inSecond));
        assertFalse(list.contains(a.inSecond));
        list.remove(a.inFirst);
        assertEquals(List.of(b, a), contents(other), "leaving one list does not touch the other");
        other.checkInvariants();
    }

    @Test
    void aLinkAlreadyInAListCannotBeAddedAgainHereOrElsewhere() {
        list.addLast(a.inFirst);
        assertThrows(IllegalStateException.class, () -> list.addLast(a.inFirst));
        assertThrows(IllegalStateException.class, () -> other.addLast(a.inFirst));
        assertEquals(1, list.size());
        assertEquals(0, other.size());
        list.checkInvariants();
        other.checkInvariants();
    }

    @Test
    void removingALinkThisListDoesNotHoldFailsAndChangesNothing() {
        list.addLast(a.inFirst);
        other.addLast(b.inFirst);
        assertThrows(IllegalStateException.class, () -> list.remove(c.inFirst), "a link in no list");
        assertThrows(IllegalStateException.class, () -> list.remove(b.inFirst), "a link in another list");
        assertEquals(List.of(a), contents(list));
        assertEquals(List.of(b), contents(other));
        list.checkInvariants();
        other.checkInvariants();
    }

    @Test
    void iterationMayRemoveTheCurrentLinkWhenItReadsTheNextFirst() {
        Item d = new Item("d");
        for (Item i : List.of(a, b, c, d)) {
            list.addLast(i.inFirst);
        }
        for (IntrusiveList.Link<Item> l = list.first(); l != null; ) {
            IntrusiveList.Link<Item> next = l.next();
            if (l.owner() == b || l.owner() == d) {
                list.remove(l);
            }
            l = next;
        }
        assertEquals(List.of(a, c), contents(list));
        list.checkInvariants();
    }

    @Test
    void checkInvariantsNoticesAStaleTailOrSize() {
        list.addLast(a.inFirst);
        list.addLast(b.inFirst);
        list.checkInvariants();
        b.inFirst.prev = c.inFirst;
        assertThrows(IllegalStateException.class, list::checkInvariants, "a wrong back link");
        b.inFirst.prev = a.inFirst;
        a.inFirst.next = null;
        assertThrows(IllegalStateException.class, list::checkInvariants, "the walk ends before the tail");
    }

    @Test
    void addRemoveAndIterationAllocateNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        Item[] items = {a, b, c};
        long seen = 0;
        for (int round = 0; round < 3; round++) {
            long before = threads.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 100_000; i++) {
                for (Item item : items) {
                    list.addLast(item.inFirst);
                    other.addLast(item.inSecond);
                }
                for (IntrusiveList.Link<Item> l = list.first(); l != null; l = l.next()) {
                    seen += l.owner().name.length();
                }
                list.remove(b.inFirst);
                while (list.removeFirst() != null) {
                    seen++;
                }
                while (!other.isEmpty()) {
                    other.remove(other.first());
                }
            }
            long allocated = threads.getThreadAllocatedBytes(tid) - before;
            if (round == 2) {
                assertTrue(allocated < 16 * 1024, allocated + " bytes allocated by 100,000 rounds of list operations");
            }
        }
        assertEquals(3 * 5L * 100_000, seen);
    }
}
