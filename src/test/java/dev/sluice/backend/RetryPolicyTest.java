package dev.sluice.backend;

import static dev.sluice.backend.Farms.backend;
import static dev.sluice.backend.Farms.weighted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** When a retry goes to another server: HAProxy's redispatch rule. */
class RetryPolicyTest {
    /** Which of retries 1..n redispatch for a hashing backend with two servers UP (no round-robin rule). */
    private static List<Integer> redispatching(RetryPolicy policy) {
        Server[] s = weighted(1, 1);
        Backend b = backend(BalanceSpec.of(BalanceAlgorithm.URI), policy, s);
        List<Integer> out = new ArrayList<>();
        for (int retry = 1; retry <= policy.retries(); retry++) {
            if (b.redispatches(retry, s[0])) {
                out.add(retry);
            }
        }
        return out;
    }

    @Test
    void withoutOptionRedispatchARetryStaysOnItsServer() {
        assertEquals(List.of(), redispatching(RetryPolicy.DEFAULT));
        Server[] s = weighted(1, 1);
        Backend rr = backend(BalanceSpec.ROUNDROBIN, RetryPolicy.DEFAULT, s);
        assertFalse(rr.redispatches(3, s[0]));
    }

    @Test
    void optionRedispatchAloneRedispatchesTheLastRetry() {
        assertEquals(List.of(3), redispatching(RetryPolicy.DEFAULT.withRedispatch(RetryPolicy.LAST_RETRY)));
        assertEquals(List.of(5), redispatching(RetryPolicy.DEFAULT.withRetries(5).withRedispatch(-1)));
    }

    @Test
    void aPositiveIntervalRedispatchesEveryPthRetryAndANegativeOneCountsBackFromTheLast() {
        assertEquals(List.of(1, 2, 3, 4, 5, 6), redispatching(RetryPolicy.DEFAULT.withRetries(6).withRedispatch(1)));
        assertEquals(List.of(3, 6), redispatching(RetryPolicy.DEFAULT.withRetries(6).withRedispatch(3)));
        // -2: the retry before the last one (5 of 6), and its multiples.
        assertEquals(List.of(5), redispatching(RetryPolicy.DEFAULT.withRetries(6).withRedispatch(-2)));
        assertEquals(List.of(), redispatching(RetryPolicy.DEFAULT.withRetries(6).withRedispatch(0)));
    }

    @Test
    void aRoundRobinFamilyBackendWithMoreThanOneServerUpRedispatchesEveryRetry() {
        Server[] s = weighted(1, 1);
        Backend rr = backend(BalanceSpec.ROUNDROBIN, RetryPolicy.DEFAULT.withRedispatch(0), s);
        assertTrue(rr.redispatches(1, s[0]));
        s[1].setMaintenance(true);
        assertFalse(rr.redispatches(1, s[0]), "one active server left: the retry stays");
    }

    @Test
    void aRetryLeavesAServerThatIsNoLongerUpWheneverRedispatchIsOn() {
        Server[] s = weighted(1, 1);
        Backend b = backend(BalanceSpec.of(BalanceAlgorithm.URI), RetryPolicy.DEFAULT.withRedispatch(0), s);
        assertFalse(b.redispatches(1, s[0]));
        b.checkVerdict(s[0], Backend.Verdict.DOWN, "test");
        assertTrue(b.redispatches(1, s[0]));
    }

    @Test
    void retryOnTakesOnlyTheStatusesHaproxyAllows() {
        RetryPolicy p = RetryPolicy.DEFAULT.withRetryOn(Set.of(RetryPolicy.RetryOn.EMPTY_RESPONSE), Set.of(503));
        assertTrue(p.retriesOnStatus(503));
        assertFalse(p.retriesOn(RetryPolicy.RetryOn.CONN_FAILURE), "retry-on replaces the default");
        assertThrows(IllegalArgumentException.class, () -> RetryPolicy.DEFAULT.withRetryOn(Set.of(), Set.of(418)));
        assertTrue(p.allowsRetry(2));
        assertFalse(p.allowsRetry(3));
    }
}
