package dev.sluice.config;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * A {@code resolvers} section: the name servers Sluice's own DNS client asks,
 * and how it retries and how long it trusts what it heard, with HAProxy's
 * meaning and defaults.
 *
 * <p>Immutable.
 *
 * @param nameservers        {@code nameserver} lines and those of {@code parse-resolv-conf}, in order (UDP)
 * @param retries            {@code resolve_retries}: queries sent before a resolution times out
 * @param resolveMillis      {@code timeout resolve}: how often a name is resolved again
 * @param retryMillis        {@code timeout retry}: how long before a query without an answer is sent again
 * @param holdNxMillis       {@code hold nx}: how long the last good answer stands against NXDOMAIN
 * @param holdRefusedMillis  {@code hold refused}
 * @param holdTimeoutMillis  {@code hold timeout}
 * @param holdOtherMillis    {@code hold other}
 * @param holdValidMillis    {@code hold valid}
 * @param holdObsoleteMillis {@code hold obsolete}: how long a record missing from a newer answer is kept
 * @param acceptedPayloadSize {@code accepted_payload_size}: the EDNS0 UDP size announced
 */
public record ResolversConfig(String name, List<InetSocketAddress> nameservers, int retries, long resolveMillis,
        long retryMillis, long holdNxMillis, long holdRefusedMillis, long holdTimeoutMillis, long holdOtherMillis,
        long holdValidMillis, long holdObsoleteMillis, int acceptedPayloadSize, int line) {
    public static final int DEFAULT_RETRIES = 3;
    public static final long DEFAULT_RESOLVE_MILLIS = 1_000;
    public static final long DEFAULT_RETRY_MILLIS = 1_000;
    public static final long DEFAULT_HOLD_MILLIS = 30_000;
    public static final long DEFAULT_HOLD_VALID_MILLIS = 10_000;
    public static final int DEFAULT_PAYLOAD_SIZE = 512;

    public ResolversConfig {
        nameservers = List.copyOf(nameservers);
    }
}
