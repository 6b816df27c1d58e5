package dev.sluice.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class PostedMessagesTest {
    private final PostedMessages messages = new PostedMessages();
    private final List<String> delivered = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();

    private final class Named extends Message {
        final String name;
        Runnable also = () -> { };

        Named(String name) {
            this.name = name;
        }

        @Override
        protected void deliver() {
            delivered.add(name);
            also.run();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @Test
    void messagesAreDeliveredOldestFirst() {
        messages.post(new Named("a"));
        messages.post(new Named("b"));
        messages.post(new Named("c"));
        assertFalse(messages.isEmpty());
        assertEquals(3, messages.deliverAll(failures::add));
        assertEquals(List.of("a", "b", "c"), delivered);
        assertTrue(messages.isEmpty());
    }

    @Test
    void aMessagePendingCannotBePostedAgainButMayBeOnceDelivered() {
        Named a = new Named("a");
        messages.post(a);
        assertThrows(IllegalStateException.class, () -> messages.post(a));
        messages.deliverAll(failures::add);
        messages.post(a);
        messages.deliverAll(failures::add);
        assertEquals(List.of("a", "a"), delivered, "the refused second post was not queued");
    }

    @Test
    void aMessagePostedDuringDeliveryWaitsForTheNextDelivery() {
        Named later = new Named("later");
        Named first = new Named("first");
        first.also = () -> messages.post(later);
        messages.post(first);
        assertEquals(1, messages.deliverAll(failures::add));
        assertEquals(List.of("first"), delivered);
        assertEquals(1, messages.deliverAll(failures::add));
        assertEquals(List.of("first", "later"), delivered);
    }

    @Test
    void aThrowingMessageIsReportedAndTheOthersStillRun() {
        Named bad = new Named("bad");
        bad.also = () -> {
            throw new IllegalStateException("on purpose");
        };
        messages.post(new Named("a"));
        messages.post(bad);
        messages.post(new Named("c"));
        assertEquals(3, messages.deliverAll(failures::add));
        assertEquals(List.of("a", "bad", "c"), delivered);
        assertEquals(1, failures.size());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void concurrentPostersLoseNothingAndEachPostersMessagesKeepTheirOrder() throws Exception {
        int posters = 4;
        int each = 50_000;
        List<List<Named>> all = new ArrayList<>();
        for (int p = 0; p < posters; p++) {
            List<Named> mine = new ArrayList<>();
            for (int i = 0; i < each; i++) {
                mine.add(new Named(p + ":" + i));
            }
            all.add(mine);
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (List<Named> mine : all) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                mine.forEach(messages::post);
            });
            t.start();
            threads.add(t);
        }
        go.countDown();
        int got = 0;
        while (got < posters * each) {
            got += messages.deliverAll(failures::add);
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(posters * each, delivered.size());
        int[] next = new int[posters];
        for (String name : delivered) {
            int colon = name.indexOf(':');
            int p = Integer.parseInt(name.substring(0, colon));
            assertEquals(next[p]++, Integer.parseInt(name.substring(colon + 1)), "poster " + p + " out of order");
        }
        assertTrue(failures.isEmpty());
    }
}
