package dev.sluice.backend;

import java.nio.charset.StandardCharsets;

/**
 * The PROXY protocol v1 header a health check sends with {@code
 * check-send-proxy} or {@code send-proxy}: a check has no client, so it says
 * {@code UNKNOWN}, which a receiver accepts and answers as a local connection.
 */
final class ProxyHeader {
    /** The longest v1 header: 107 bytes by the protocol's definition. */
    static final int MAX_V1_LENGTH = 107;
    static final byte[] UNKNOWN = "PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII);

    private ProxyHeader() {
    }
}
