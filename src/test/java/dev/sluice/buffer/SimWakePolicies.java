package dev.sluice.buffer;

/**
 * Test-only access to a pool's {@link WakePolicy} for the simulator, which
 * compares the production handoff with the two policies it replaced.
 *
 * <p>Not thread-safe: call it from the thread that owns the pool, while nobody waits.
 */
public final class SimWakePolicies {
    private SimWakePolicies() {
    }

    /** Switches {@code pool} to {@code "HANDOFF"}, {@code "WAKE_ONE"} or {@code "WAKE_ALL"}. */
    public static void use(BufferPool pool, String policyName) {
        pool.policy(WakePolicy.valueOf(policyName));
    }
}
