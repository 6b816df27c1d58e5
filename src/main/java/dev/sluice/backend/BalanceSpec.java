package dev.sluice.backend;

import java.util.Locale;
import java.util.Objects;

/**
 * How a backend chooses a server: {@code balance}, {@code hash-type} and
 * {@code option allbackups}, with HAProxy's defaults.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param algorithm the {@code balance} algorithm
 * @param argument the parameter name of {@code url_param}, or the field name of {@code hdr(<name>)} (lower
 *                 case); empty otherwise
 * @param uri the options of {@code balance uri}
 * @param domainOnly {@code hdr(<name>) use_domain_only}: hash only the domain part of a host name
 * @param draws {@code random(<draws>)}: how many ring points to draw, keeping the least loaded server (2 by
 *              default); 1 for the others
 * @param hashType {@code hash-type}'s method
 * @param hashFunction {@code hash-type}'s function
 * @param avalanche {@code hash-type}'s {@code avalanche} modifier (implied by {@code consistent} without a
 *                  function)
 * @param backups {@code option allbackups}: whether every UP backup shares the load when no active server is
 *                UP, or only the first one
 */
public record BalanceSpec(BalanceAlgorithm algorithm, String argument, UriKey uri, boolean domainOnly, int draws,
                          HashType hashType, HashFunction hashFunction, boolean avalanche, BackupUse backups) {
    /** HAProxy's {@code random} default: the less loaded of two draws. */
    public static final int DEFAULT_DRAWS = 2;

    /** {@code option allbackups} or not. */
    public enum BackupUse { FIRST, ALL }

    /**
     * {@code balance uri}'s options.
     *
     * @param whole hash the query string too ({@code whole})
     * @param pathOnly start at the path: drop the scheme and authority of an absolute target ({@code path-only})
     * @param len hash at most this many bytes ({@code len}); 0 for no limit
     * @param depth hash at most this many directory levels ({@code depth}); 0 for no limit
     */
    public record UriKey(boolean whole, boolean pathOnly, int len, int depth) {
        public static final UriKey PATH = new UriKey(false, false, 0, 0);

        public UriKey {
            if (len < 0 || depth < 0) {
                throw new IllegalArgumentException("len and depth must be >= 0: " + len + ", " + depth);
            }
        }
    }

    public BalanceSpec {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(argument, "argument");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(hashType, "hashType");
        Objects.requireNonNull(hashFunction, "hashFunction");
        Objects.requireNonNull(backups, "backups");
        if (draws < 1) {
            throw new IllegalArgumentException("random draws must be >= 1: " + draws);
        }
        if ((algorithm == BalanceAlgorithm.URL_PARAM || algorithm == BalanceAlgorithm.HDR) && argument.isEmpty()) {
            throw new IllegalArgumentException(algorithm.keyword() + " needs a name");
        }
        if (algorithm == BalanceAlgorithm.HDR) {
            argument = argument.toLowerCase(Locale.ROOT);
        }
    }

    /** {@code balance roundrobin}, HAProxy's default. */
    public static final BalanceSpec ROUNDROBIN = of(BalanceAlgorithm.ROUNDROBIN);

    /** An algorithm without arguments, with the default {@code hash-type}. */
    public static BalanceSpec of(BalanceAlgorithm algorithm) {
        return new BalanceSpec(algorithm, "", UriKey.PATH, false, algorithm == BalanceAlgorithm.RANDOM ? DEFAULT_DRAWS : 1,
                HashType.MAP_BASED, HashFunction.SDBM, false, BackupUse.FIRST);
    }

    /** {@code url_param <name>} or {@code hdr(<name>)}. */
    public static BalanceSpec of(BalanceAlgorithm algorithm, String name) {
        return new BalanceSpec(algorithm, name, UriKey.PATH, false, 1, HashType.MAP_BASED, HashFunction.SDBM, false,
                BackupUse.FIRST);
    }

    public BalanceSpec withArgument(String name) {
        return new BalanceSpec(algorithm, name, uri, domainOnly, draws, hashType, hashFunction, avalanche, backups);
    }

    public BalanceSpec withUri(UriKey options) {
        return new BalanceSpec(algorithm, argument, options, domainOnly, draws, hashType, hashFunction, avalanche, backups);
    }

    public BalanceSpec withDomainOnly() {
        return new BalanceSpec(algorithm, argument, uri, true, draws, hashType, hashFunction, avalanche, backups);
    }

    public BalanceSpec withDraws(int n) {
        return new BalanceSpec(algorithm, argument, uri, domainOnly, n, hashType, hashFunction, avalanche, backups);
    }

    /** {@code hash-type <method>} alone: {@code consistent} implies sdbm with avalanche, {@code map-based} plain sdbm. */
    public BalanceSpec withHashType(HashType type) {
        return new BalanceSpec(algorithm, argument, uri, domainOnly, draws, type, HashFunction.SDBM,
                type == HashType.CONSISTENT, backups);
    }

    /** {@code hash-type <method> <function> [avalanche]}. */
    public BalanceSpec withHash(HashType type, HashFunction function, boolean withAvalanche) {
        return new BalanceSpec(algorithm, argument, uri, domainOnly, draws, type, function, withAvalanche, backups);
    }

    public BalanceSpec withBackups(BackupUse use) {
        return new BalanceSpec(algorithm, argument, uri, domainOnly, draws, hashType, hashFunction, avalanche, use);
    }

    /** Whether servers are found on the consistent-hash ring ({@code hash-type consistent}, and {@code random}). */
    boolean usesRing() {
        return algorithm == BalanceAlgorithm.RANDOM
                || algorithm.kind() == BalanceAlgorithm.Kind.HASH && hashType == HashType.CONSISTENT;
    }

    /** Whether servers are found in the weighted map ({@code static-rr}, and map-based hashing). */
    boolean usesMap() {
        return algorithm == BalanceAlgorithm.STATIC_RR
                || algorithm.kind() == BalanceAlgorithm.Kind.HASH && hashType == HashType.MAP_BASED;
    }
}
