package dev.sluice.backend;

import java.util.ArrayList;
import java.util.List;

/**
 * What a change to a backend's slots decided for its waiters, collected while
 * {@link SlotQueues} holds its lock and delivered after it lets go: slots
 * granted (each with the server it is on) and waiters refused (the server
 * went down and redispatch is off, or no server is left). A waiter learns its
 * answer through its own loop, so nothing here runs under the lock.
 *
 * <p>Made per change (a state change, a server added, a raised limit): the
 * control path, never a request's.
 */
final class SlotMoves {
    private final List<SlotWaiter> granted = new ArrayList<>();
    private final List<Server> grantedOn = new ArrayList<>();
    private final List<SlotWaiter> refusedDown = new ArrayList<>();
    private final List<SlotWaiter> refusedNone = new ArrayList<>();

    /** {@code w}, already out of its queue, holds a slot of {@code on}. */
    void granted(SlotWaiter w, Server on) {
        granted.add(w);
        grantedOn.add(on);
    }

    /** {@code w}, out of its server's queue, is refused: the server went down and redispatch is off. */
    void refusedDown(SlotWaiter w) {
        refusedDown.add(w);
    }

    /** {@code w}, out of its queue, is refused: no server may take requests. */
    void refusedNone(SlotWaiter w) {
        refusedNone.add(w);
    }

    /** Tells every waiter its answer, grants first. Call with the lock released. */
    void deliver() {
        for (int i = 0; i < granted.size(); i++) {
            granted.get(i).grant(grantedOn.get(i));
        }
        for (SlotWaiter w : refusedDown) {
            w.refuse(SlotRefusal.SERVER_DOWN);
        }
        for (SlotWaiter w : refusedNone) {
            w.refuse(SlotRefusal.NO_SERVER);
        }
    }
}
