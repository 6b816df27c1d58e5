package dev.sluice.session;

import dev.sluice.backend.Server;
import dev.sluice.buffer.BufferClaim;
import dev.sluice.buffer.ClaimGate;
import dev.sluice.loop.Loop;
import dev.sluice.loop.Task;
import dev.sluice.net.Connection;

/**
 * A session's claim on its loop's client pool and TLS record arena together
 * ({@link BufferClaim}): before it works a server slot with records on
 * either side, it claims what its exchange may need of both, two client
 * buffers (one per direction) and two records per TLS connection, and it
 * gives the claim back with the slot. An exchange without records claims
 * nothing and never waits here.
 *
 * <p>Made with the session; its claim is made once, with the session when the
 * client speaks TLS (so that every buffer the session takes is counted), or
 * at its first exchange towards a TLS server otherwise. Waiting, it holds the
 * slot and only what it took {@code NORMAL}: the session works the slot only
 * once {@link #admit} says yes, or when {@code onAdmitted} runs, from the
 * loop's run queue.
 *
 * <p>Not thread-safe: owned by its session, on its loop.
 */
final class ExchangeClaim extends Task implements BufferClaim.Listener {
    /** The client buffers an exchange holds at most: its request's and its response's. */
    static final int CLIENT_BUFFERS = 2;
    /** The record buffers a TLS connection holds at most: one each way. */
    static final int RECORDS_PER_CONNECTION = 2;

    private final Loop loop;
    private final Channel request;
    private final Channel response;
    private final Connection client;
    private final Runnable onAdmitted;
    private BufferClaim claim;

    ExchangeClaim(Loop loop, Channel request, Channel response, Connection client, Runnable onAdmitted) {
        this.loop = loop;
        this.request = request;
        this.response = response;
        this.client = client;
        this.onAdmitted = onAdmitted;
        ClaimGate gate = client.claims();
        if (gate != null) {
            start(gate);
        }
    }

    private void start(ClaimGate gate) {
        claim = gate.claim(this);
        request.claimWith(claim);
        response.claimWith(claim);
        client.claimWith(claim);
    }

    /**
     * Before the exchange works its slot on {@code server}: true when it may
     * go on now (it moves no record, or its claim is admitted); false when
     * it waits for its claim, and {@code onAdmitted} runs once it is admitted.
     */
    boolean admit(Server server) {
        int records = (client.isTls() ? RECORDS_PER_CONNECTION : 0)
                + (server.tls() != null ? RECORDS_PER_CONNECTION : 0);
        if (records == 0) {
            return true;
        }
        if (claim == null) {
            ClaimGate gate = server.tls().claims(loop);
            if (gate == null) {
                return true;
            }
            start(gate);
        }
        return claim.admit(CLIENT_BUFFERS, records);
    }

    /** The exchange's server connection counts its records to the claim (null when it leaves). */
    void server(Connection c, boolean joins) {
        if (claim != null) {
            c.claimWith(joins ? claim : null);
        }
    }

    /** The slot goes back: so does the claim, or its place in the queue. */
    void end() {
        if (claim != null) {
            claim.end();
        }
    }

    @Override
    public void admitted() {
        loop.schedule(this);
    }

    @Override
    protected void run() {
        // The session may have given the slot, and the claim, back meanwhile.
        if (claim != null && claim.admitted()) {
            onAdmitted.run();
        }
    }

    @Override
    public String toString() {
        return claim == null ? "no claim" : claim.toString();
    }
}
