package dev.sluice.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.http.Condition;
import dev.sluice.http.HeaderRule;
import dev.sluice.http.HttpRules;
import dev.sluice.http.Sample;
import dev.sluice.http.VarRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Sample expressions and variables under the seed's deadlock workload (one
 * server with {@code maxconn 1}, the smallest pool, 1,000 connections with
 * bodies several buffers long): every request sets a variable from its Host
 * field and gets two fields rendered from {@code %[...]}. The rendering takes
 * no buffer (a thread's scratch array, then the head's rewrite room, as any
 * header rule), so the run must complete every exchange as without the rules,
 * with no deadlock and no leak.
 */
class SampleRulesScenarioTest {
    private static HttpRules rules() {
        return HttpRules.builder()
                .headerRule(VarRule.set("txn.host", Sample.parse("req.hdr(host),lower")), Condition.always())
                .headerRule(HeaderRule.formatted(false, "X-Real-IP", "%[src]:%[src_port]"), Condition.always())
                .headerRule(HeaderRule.formatted(true, "X-Host", "host=%[var(txn.host),upper] %[path]"),
                        Condition.always())
                .build();
    }

    @Test
    void renderedFieldsAndVariablesCostNoBufferUnderTheSmallestPool(TestInfo test) {
        SimSeeds.forEach(test, 5, seed -> {
            SimRun run = HttpDeadlockScenarioTest.seedWorkload()
                    .frontendRules(rules(), false)
                    .pool(TcpDeadlockScenarioTest.SMALLEST_POOL, TcpDeadlockScenarioTest.SMALLEST_RESERVE)
                    .run(seed);
            System.out.println("sample rules " + run.summary());
            run.assertNoDeadlock();
            run.assertNoLeaks();
            run.assertOutcomesAgree();
            for (int i = 0; i < run.clients.size(); i++) {
                assertEquals(SimClient.Outcome.COMPLETE, run.clients.get(i).outcome(),
                        run.clients.get(i).describe());
            }
        });
    }
}
