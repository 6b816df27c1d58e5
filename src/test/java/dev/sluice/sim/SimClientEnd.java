package dev.sluice.sim;

/** What a {@link SimRun} checks of any simulated client, TCP or HTTP, once the run is over. */
interface SimClientEnd {
    /** How the client's exchange ended, or null while it goes on. */
    SimClient.Outcome outcome();

    /** Response bytes received and checked. */
    long received();

    /** Response bytes a clean exchange receives. */
    long expectedLength();

    long startedAt();

    long finishedAt();

    /** One line on the client and how it ended, for a failure message. */
    String describe();
}
