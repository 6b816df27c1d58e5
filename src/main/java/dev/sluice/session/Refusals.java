package dev.sluice.session;

/** Where a session's analysers report what they refuse: one log line each, naming the frontend and the client. */
interface Refusals {
    void refused(int status, String reason);
}
