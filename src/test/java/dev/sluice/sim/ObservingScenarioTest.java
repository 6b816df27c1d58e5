package dev.sluice.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.Criticality;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The applet case of the seed: an operator scrapes the exporter and loads the
 * stats page, and posts its admin forms, while the deadlock scenario's pressure has the client pool dry
 * and its queues long (the smallest pool, reserve 2, one server with
 * {@code maxconn 1}, 200 keep-alive clients with bodies several buffers
 * long). Each answer is whole within a second of virtual time, from the
 * applet arena; what it shows of the pool is the pool's: its size and
 * reserve, in-use plus free equal to the size, no failed wakeup, and counts no
 * larger than the pool's own at the end. The run still completes every
 * exchange byte for byte, and every arena buffer is back.
 */
class ObservingScenarioTest {
    private static final long MS = 1_000_000L;
    static final String FORM = "/stats?s=server0&action=ready&b=http";

    static SimScenario pressured() {
        SimScenario s = HttpDeadlockScenarioTest.seedWorkload().clients(200)
                .pool(TcpDeadlockScenarioTest.SMALLEST_POOL, TcpDeadlockScenarioTest.SMALLEST_RESERVE);
        for (long at = 10; at <= 190; at += 20) {
            s.watch(at % 40 == 10 ? "/stats" : "/metrics", at * MS);
        }
        // The admin forms too: a form posted to the page (setting the one server READY, as it already is).
        for (long at = 25; at <= 185; at += 40) {
            s.watch(FORM, at * MS);
        }
        return s;
    }

    static long value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(text);
        assertTrue(m.find(), "no series " + series + " in:\n" + text);
        return (long) Double.parseDouble(m.group(1));
    }

    @Test
    void scrapesAndStatsPagesAnswerWithinASecondWhileThePoolIsDry(TestInfo test) {
        SimSeeds.forEach(test, 5, seed -> {
            SimRun run = pressured().run(seed);
            run.assertCompletedCleanly();
            BufferPool pool = run.world.loops().get(0).pool();
            int underPressure = 0;
            int forms = 0;
            int formsUnderPressure = 0;
            long slowest = 0;
            for (SimWatcher w : run.watchers) {
                assertTrue(w.answered(), "seed " + seed + ": a watcher got no whole answer: " + w.text());
                long took = w.answeredAt - w.askedAt;
                slowest = Math.max(slowest, took);
                assertTrue(took < 1000 * MS, "seed " + seed + ": an answer took " + took / MS + " ms");
                if (w.waitingWhenAsked > 0) {
                    underPressure++;
                    formsUnderPressure += w.text().startsWith("HTTP/1.1 303") ? 1 : 0;
                }
                if (w.text().startsWith("HTTP/1.1 303")) {
                    // A posted form: processed, the page named with its outcome.
                    assertTrue(w.text().contains("\r\nlocation: /stats;st=DONE\r\n"), w.text());
                    forms++;
                    continue;
                }
                assertTrue(w.text().startsWith("HTTP/1.1 200 OK"), w.text());
                String t = w.text();
                if (t.contains("sluice_buffers{")) {
                    String at = "{loop=\"0\",pool=\"client\"}";
                    assertEquals(pool.size(), value(t, "sluice_buffers" + at));
                    assertEquals(pool.reserve(), value(t, "sluice_buffers_reserve" + at));
                    assertEquals(pool.size(), value(t, "sluice_buffers_in_use" + at) + value(t, "sluice_buffers_free" + at));
                    for (Criticality c : Criticality.values()) {
                        String k = "{class=\"" + c.name().toLowerCase() + "\",loop=\"0\",pool=\"client\"}";
                        assertEquals(0, value(t, "sluice_buffer_failed_wakeups_total" + k));
                        assertTrue(value(t, "sluice_buffer_allocations_total" + k) <= pool.counters().allocations(c));
                        assertTrue(value(t, "sluice_buffer_handoffs_total" + k) <= pool.counters().handoffs(c));
                    }
                } else {
                    assertTrue(t.contains("id=\"loop0-client-reserve\">" + pool.reserve() + "<"), t);
                }
            }
            assertEquals(5, forms, "seed " + seed + ": posted forms answered");
            assertTrue(underPressure > 0, "seed " + seed + ": no watcher asked while buffers were awaited: "
                    + run.summary());
            for (dev.sluice.session.AppletArena a : run.arenas) {
                assertEquals(a.pool().size(), a.pool().free(), "seed " + seed + ": an arena buffer was not given back");
                a.pool().checkInvariants();
            }
            System.out.println("watched " + run.watchers.size() + " times, " + underPressure
                    + " under pressure (" + formsUnderPressure + " of " + forms + " forms), slowest answer " + slowest / 1000 + " us (virtual); " + run.summary());
        });
    }
}
