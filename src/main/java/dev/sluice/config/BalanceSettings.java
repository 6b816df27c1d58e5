package dev.sluice.config;

import dev.sluice.backend.BalanceAlgorithm;
import dev.sluice.backend.BalanceSpec;
import dev.sluice.backend.HashFunction;
import dev.sluice.backend.HashType;
import dev.sluice.backend.RetryPolicy;

/**
 * The balancing and retry keywords' values in one proxy section while the file
 * is read ({@link BalanceKeywords}): {@code balance}, {@code hash-type},
 * {@code option allbackups}, {@code retries}, {@code option redispatch} and
 * {@code retry-on}. Each is kept apart, since a defaults section may set one
 * and the backend another; {@link #balance(Mode)} and {@link #retry()} combine them.
 *
 * <p>Not thread-safe: used by one parser.
 */
final class BalanceSettings {
    /** The {@code balance} line's algorithm and arguments, with the default hash type. */
    BalanceSpec algorithm = BalanceSpec.ROUNDROBIN;
    /** The line of the {@code balance} keyword, 0 when none. */
    int balanceLine;
    /** {@code hash-type}: null when not set. */
    HashType hashType;
    /** {@code hash-type}'s function, or null when only the method was given. */
    HashFunction hashFunction;
    boolean avalanche;
    boolean allBackups;
    RetryPolicy retry = RetryPolicy.DEFAULT;
    /** The lines of {@code retries} and {@code retry-on}, 0 when none (read, not run yet: see RuntimeGaps). */
    int retriesLine;
    int retryOnLine;

    void inherit(BalanceSettings defaults) {
        algorithm = defaults.algorithm;
        balanceLine = defaults.balanceLine;
        hashType = defaults.hashType;
        hashFunction = defaults.hashFunction;
        avalanche = defaults.avalanche;
        allBackups = defaults.allBackups;
        retry = defaults.retry;
        retriesLine = defaults.retriesLine;
        retryOnLine = defaults.retryOnLine;
    }

    /**
     * The backend's choice of servers. In mode tcp an algorithm that reads the
     * HTTP request falls back to round robin, as HAProxy does (with a warning,
     * given by the validator).
     */
    BalanceSpec balance(Mode mode) {
        BalanceSpec spec = needsHttp(algorithm.algorithm()) && mode != Mode.HTTP ? BalanceSpec.ROUNDROBIN : algorithm;
        if (hashType != null) {
            spec = hashFunction == null ? spec.withHashType(hashType) : spec.withHash(hashType, hashFunction, avalanche);
        }
        return spec.withBackups(allBackups ? BalanceSpec.BackupUse.ALL : BalanceSpec.BackupUse.FIRST);
    }

    RetryPolicy retry() {
        return retry;
    }

    /** The algorithms that hash part of an HTTP request. */
    static boolean needsHttp(BalanceAlgorithm a) {
        return a == BalanceAlgorithm.URI || a == BalanceAlgorithm.URL_PARAM || a == BalanceAlgorithm.HDR;
    }
}
