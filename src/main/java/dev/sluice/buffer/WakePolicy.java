package dev.sluice.buffer;

/**
 * What a release does with its buffer when waiters are queued. Production code
 * always uses {@link #HANDOFF}; the two others exist so the simulator can show
 * what handoff saves (issue: "the seed's headline, measured").
 */
enum WakePolicy {
    /** The buffer goes to the head waiter of the first class allowed to take it. A woken waiter never fails. */
    HANDOFF,
    /** The buffer goes back to the free list and one eligible waiter is woken to try again. */
    WAKE_ONE,
    /** The buffer goes back to the free list and every waiter is woken to try again. */
    WAKE_ALL
}
