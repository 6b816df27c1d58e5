package dev.sluice.session;

/** What a client connection sends before its first request or byte of payload. */
public enum ClientPreamble {
    /** Nothing: the request (or the relayed stream) starts at once. */
    NONE,
    /**
     * A PROXY protocol header ({@code bind ... accept-proxy}): a load balancer
     * in front names the real client, and the rules and logs see it.
     */
    PROXY_HEADER
}
