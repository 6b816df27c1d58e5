/**
 * The deterministic simulator: Sluice's real session, backend and buffer code
 * driven with no thread and no socket, from one seed.
 *
 * <p>{@link dev.sluice.sim.SimWorld} holds the seed, the virtual clock and the
 * event queue; {@link dev.sluice.sim.SimLoop} is a {@link dev.sluice.loop.Loop}
 * on the real run queue, timers and pool; {@link dev.sluice.sim.SimConnection}
 * and {@link dev.sluice.sim.SimConnector} are the network (latency, bandwidth,
 * segments, send windows, end of stream, resets); {@link dev.sluice.sim.SimClient}
 * and {@link dev.sluice.sim.SimServer} are the peers, which check every byte.
 * In HTTP mode the peers are {@link dev.sluice.sim.SimHttpClient} and
 * {@link dev.sluice.sim.SimHttpServerConnection}; each request and its response
 * are derived from one key ({@link dev.sluice.sim.HttpExchange}), so a client
 * checks every response byte, chunk lines included, against what the server
 * must have sent for exactly that request.
 *
 * <p>A scenario is a {@link dev.sluice.sim.SimScenario} run over seeds with
 * {@link dev.sluice.sim.SimSeeds}:
 * <pre>{@code
 * @Test
 * void slowClientsBehindOneSlotComplete(TestInfo test) {
 *     SimSeeds.forEach(test, 10, seed -> SimScenario.tcp()
 *             .pool(3, 1).bufsize(1024).server(1)
 *             .clients(200).behaviors(1, 3, 0, 0)
 *             .run(seed)
 *             .assertCompletedCleanly());
 * }
 * }</pre>
 * An HTTP scenario is built the same way from {@code SimScenario.http()}, with
 * {@code requests(min, max)} per connection, {@code pipelining(depth)},
 * {@code bodies(getChance, chunkedChance)}, {@code httpBehaviors(...)},
 * {@code httpTimeouts(...)} and {@code httpServer(maxconn, stall, reset, close)};
 * {@code tcpShare(x)} with {@code tcpServer(maxconn)} puts TCP clients of a
 * second backend on the same loops and pools.
 *
 * <p>To add a scenario: describe the workload with the builder, run it with
 * {@code SimSeeds.forEach} (or {@code SimChecks.runChecked} for faults, which
 * also forbids leaks, disagreeing outcomes and clean cuts), then state what
 * must hold: {@code assertCompletedCleanly()} when nothing may go wrong,
 * otherwise {@code assertNoLeaks()} and {@code assertOutcomesAgree()} plus
 * {@code SimChecks.assertHappened} for the fault the test is about, so that a
 * scenario whose fault never fires fails instead of passing vacuously. Keep
 * its default seed count small enough that the whole package stays within
 * about 90 seconds of a plain {@code mvn test} on two cores.
 *
 * <p>To replay: a failure names its seed and the command that replays it, e.g.
 * {@code mvn -q test -Dtest=TcpDeadlockScenarioTest#reserveZeroDeadlocksForSomeSeedAndTheSimulatorDetectsIt -Dsim.seed=12345};
 * the same seed gives the same run, event for event. {@code -Dsim.seeds=N}
 * runs N seeds instead of the test's default and {@code -Dsim.seedStart=K}
 * starts them at K, to search for new failures. A finding in code outside the
 * simulator becomes a test that fails, {@code @Disabled} with its seed and
 * replay line until the code is fixed; add
 * {@code -Djunit.jupiter.conditions.deactivate=org.junit.*DisabledCondition}
 * to the replay line to run it while it is disabled.
 *
 * <p>The seed's headline (task runs per session under memory contention, per
 * wake policy) is {@code WakePolicyHeadlineTest}; {@code -Dsim.sessions=N}
 * runs N sessions per policy (10,000 by default).
 */
package dev.sluice.sim;
