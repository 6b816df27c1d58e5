package dev.sluice.sim;

/**
 * A simulated client or server: told, from a world event, that its end of a
 * connection changed (bytes or the end of stream arrived, window room freed,
 * a reset came). Peers are the simulator's own actors, not Sluice code.
 */
interface SimPeer {
    void changed(SimConnection end);
}
