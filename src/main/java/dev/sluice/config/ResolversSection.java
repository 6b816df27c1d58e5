package dev.sluice.config;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code resolvers} section while the file is read; see {@link ResolversConfig}.
 *
 * <p>Not thread-safe: used by one parser.
 */
final class ResolversSection {
    final String name;
    final int line;
    final List<InetSocketAddress> nameservers = new ArrayList<>();
    final List<String> nameserverNames = new ArrayList<>();
    int retries = ResolversConfig.DEFAULT_RETRIES;
    long resolveMillis = ResolversConfig.DEFAULT_RESOLVE_MILLIS;
    long retryMillis = ResolversConfig.DEFAULT_RETRY_MILLIS;
    long holdNx = ResolversConfig.DEFAULT_HOLD_MILLIS;
    long holdRefused = ResolversConfig.DEFAULT_HOLD_MILLIS;
    long holdTimeout = ResolversConfig.DEFAULT_HOLD_MILLIS;
    long holdOther = ResolversConfig.DEFAULT_HOLD_MILLIS;
    long holdValid = ResolversConfig.DEFAULT_HOLD_VALID_MILLIS;
    long holdObsolete;
    int payloadSize = ResolversConfig.DEFAULT_PAYLOAD_SIZE;
    /** Keyword name to the line that set it. */
    final Map<String, Integer> seen = new HashMap<>();

    ResolversSection(String name, int line) {
        this.name = name;
        this.line = line;
    }

    ResolversConfig build() {
        return new ResolversConfig(name, nameservers, retries, resolveMillis, retryMillis, holdNx, holdRefused,
                holdTimeout, holdOther, holdValid, holdObsolete, payloadSize, line);
    }
}
