package dev.sluice.buffer;

/**
 * Test-only access to a pool's {@link WakePolicy}, so that tests and the
 * simulator outside this package can run the comparison policies.
 *
 * <p>Not thread-safe: call it from the thread that owns the pool, while nobody waits.
 */
public final class PoolPolicies {
    private PoolPolicies() {
    }

    /**
     * Switches {@code pool} to the named policy ({@code "HANDOFF"}, {@code "WAKE_ONE"} or {@code "WAKE_ALL"}).
     *
     * @throws IllegalArgumentException on an unknown name
     * @throws IllegalStateException if a waiter is queued
     */
    public static void use(BufferPool pool, String policyName) {
        pool.policy(WakePolicy.valueOf(policyName));
    }

    /** The name of the policy {@code pool} runs. */
    public static String current(BufferPool pool) {
        return pool.policy().name();
    }
}
