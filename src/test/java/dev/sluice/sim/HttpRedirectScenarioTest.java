package dev.sluice.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.http.Acl;
import dev.sluice.http.AclMatch;
import dev.sluice.http.Condition;
import dev.sluice.http.Fetch;
import dev.sluice.http.HttpRules;
import dev.sluice.http.RedirectRule;
import dev.sluice.http.ReturnRule;
import dev.sluice.session.SessionOutcome;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Redirects under the seed's deadlock workload: one server with
 * {@code maxconn 1}, the smallest pool, 1,000 connections with bodies several
 * buffers long, and a {@code redirect prefix} for every POST (the requests
 * with a body, so each redirect also closes its connection with the body
 * unread). A redirect's location is written from the request head, which
 * keeps the request buffer while the reply waits for its own (CRITICAL,
 * since it completes the pair); queued sessions hold NORMAL buffers
 * meanwhile. Every redirected client must get its 302 after the answers
 * before it, every other one its whole responses, and nothing may leak or
 * wait for ever.
 */
class HttpRedirectScenarioTest {
    private static HttpRules redirectPosts() {
        Acl post = Acl.compile(Fetch.METHOD, null, AclMatch.STR, false, List.of("POST"));
        Condition condition = new Condition.Builder().term(false, List.of(post)).build(false);
        RedirectRule rule = RedirectRule.of(RedirectRule.Kind.PREFIX, "https://elsewhere.sim", 302,
                RedirectRule.Options.NONE);
        return HttpRules.builder().returnRule(ReturnRule.redirect(rule), condition).build();
    }

    @Test
    void redirectsAndForwardedExchangesShareTheSmallestPoolWithoutDeadlock(TestInfo test) {
        SimSeeds.forEach(test, 5, seed -> {
            SimRun run = HttpDeadlockScenarioTest.seedWorkload()
                    .bodies(0.5, 0.3)
                    .frontendRules(redirectPosts(), false)
                    .pool(TcpDeadlockScenarioTest.SMALLEST_POOL, TcpDeadlockScenarioTest.SMALLEST_RESERVE)
                    .run(seed);
            System.out.println("http redirect " + run.summary());
            run.assertNoDeadlock();
            run.assertNoLeaks();
            run.assertOutcomesAgree();
            int redirected = 0;
            for (int i = 0; i < run.clients.size(); i++) {
                SimHttpClient client = (SimHttpClient) run.clients.get(i);
                if (run.outcome(i) == SessionOutcome.REPLIED) {
                    // Redirected: the 302 arrives after the answers before it, or a reset when the
                    // connection closes on a body that was not read.
                    redirected++;
                    assertTrue(client.outcome() == SimClient.Outcome.REPLIED && client.replyStatus() == 302
                            || client.outcome() == SimClient.Outcome.RESET, client.describe());
                } else {
                    assertEquals(SessionOutcome.DONE, run.outcome(i), client.describe());
                    assertEquals(SimClient.Outcome.COMPLETE, client.outcome(), client.describe());
                }
            }
            assertTrue(redirected > 0, "no client was redirected: " + run.summary());
            assertTrue(redirected < run.clients.size(), "every client was redirected: " + run.summary());
            assertTrue(run.clientOutcomes().getOrDefault(SimClient.Outcome.REPLIED, 0) > 0, run.summary());
        });
    }
}
