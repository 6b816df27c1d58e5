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
 * A failure names its seed and the command that replays it, e.g.
 * {@code mvn -q test -Dtest=TcpDeadlockScenarioTest -Dsim.seed=12345};
 * {@code -Dsim.seeds=N} runs N seeds instead of the test's default.
 */
package dev.sluice.sim;
