/**
 * Backends and their servers: the choice of a server ({@code balance}), the
 * slots and queues behind {@code maxconn}, the servers' states and the health
 * checks that move them, idle server connections.
 *
 * <h2>What the session's server link calls</h2>
 *
 * <ol>
 * <li><b>Choose and take a slot.</b> Fill the session's one {@link
 *     dev.sluice.backend.BalanceKey} with what {@link
 *     dev.sluice.backend.Backend#keySource()} asks: the client's address, the
 *     request target's bytes, or the value of the field named {@link
 *     dev.sluice.backend.Backend#keyHeader()} (the first field of that name,
 *     matched without case), all as views over the request buffer. Then call
 *     {@link dev.sluice.backend.Backend#acquire(SlotWaiter, BalanceKey, Server)}
 *     with {@code avoid} null. It returns the server whose slot the session now
 *     holds, or null when the session waits in a queue (then exactly one of
 *     {@code slotGranted} or {@code slotRefused} follows, on the session's
 *     loop, unless {@link dev.sluice.backend.Backend#cancel} takes it out
 *     first). It throws {@link dev.sluice.backend.Backend.QueueFullException}
 *     (503) or {@link dev.sluice.backend.Backend.NoServerException} (503: no
 *     server UP). Choosing allocates nothing.</li>
 * <li><b>Queued, then refused.</b> {@link
 *     dev.sluice.backend.SlotWaiter#slotRefused} with {@link
 *     dev.sluice.backend.SlotRefusal#SERVER_DOWN} means the server the session
 *     waited for went DOWN or into maintenance and the backend has no
 *     {@code option redispatch}; {@link dev.sluice.backend.SlotRefusal#NO_SERVER}
 *     that no server is left. The session is in no queue any more and answers
 *     503. With {@code option redispatch}, the backend itself moves such a
 *     session to another server's queue, or grants it a slot there; the
 *     session sees only the grant.</li>
 * <li><b>Retry.</b> After a failed connection, the session may retry when
 *     {@link dev.sluice.backend.Backend#retryPolicy()} allows it ({@code
 *     retries}, {@code retry-on}, and the request being safe to replay, which
 *     is the session's judgement). Before retry number {@code n}, it asks
 *     {@link dev.sluice.backend.Backend#redispatches(int, Server)}: if true, it
 *     gives its slot back ({@link dev.sluice.backend.Backend#releaseSlot}) and
 *     calls {@code acquire} again with the failed server as {@code avoid},
 *     through the same slots, queues and buffer classes as a new request; if
 *     false, it keeps its slot and connects to the same server again, after
 *     HAProxy's turn-around delay of {@code min(timeout connect, 1s)} when the
 *     failure was an asynchronous connection error on a new connection.</li>
 * <li><b>Release.</b> {@link dev.sluice.backend.Backend#releaseSlot} when the
 *     exchange ends; the slot goes to the session that waited longest for it.</li>
 * </ol>
 *
 * <p>State changes and check results reach a {@link
 * dev.sluice.backend.ServerStateListener} given to the backend, on the thread
 * that made them; the logging phase provides one, and {@link
 * dev.sluice.backend.ServerStateListener#STDERR} stands in until then.
 *
 * <h2>Memory</h2>
 *
 * <p>Choosing and queueing allocate nothing: the key is a view, the queues link
 * the sessions' own waiters, a loop's choosing state is made once. A state
 * change rebuilds the backend's {@code Farm} (its consistent
 * ring and weighted map): rare, and off the request path. Health checks take
 * their buffers from each loop's {@link dev.sluice.backend.CheckArena}, carved
 * at start-up apart from the client pool: at most one buffer to send from (of
 * {@code tune.bufsize}, or the largest check request if larger) and one to
 * read into per checked server, none for a check that only connects.
 */
package dev.sluice.backend;
