package dev.sluice.session;

/** The two peers of a session: which one a timeout, an activity or a failure concerns. */
enum Side {
    CLIENT, SERVER
}
