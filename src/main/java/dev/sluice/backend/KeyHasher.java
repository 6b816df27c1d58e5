package dev.sluice.backend;

/**
 * The hash a request's key gives for a hashing {@code balance} ({@code source},
 * {@code uri}, {@code url_param}, {@code hdr}): HAProxy's reading of each key,
 * then the backend's hash function and {@code hash-type}'s avalanche. A pure
 * function of the key and the backend's balance settings; it reads the key's
 * bytes where they lie and allocates nothing.
 */
final class KeyHasher {
    private final BalanceSpec balance;

    KeyHasher(BalanceSpec balance) {
        this.balance = balance;
    }

    /**
     * The key's hash for the backend's algorithm, as unsigned in the low 32
     * bits, or -1 when the key gives none (the request lacks it).
     */
    long hash(BalanceKey key) {
        BalanceAlgorithm algorithm = balance.algorithm();
        if (algorithm.kind() != BalanceAlgorithm.Kind.HASH) {
            return -1;
        }
        int h;
        switch (algorithm) {
            case SOURCE -> {
                byte[] a = key.address();
                if (a == null || a.length != 4 && a.length != 16) {
                    return -1;
                }
                // The address's 32-bit words, xored; no hash function, as in HAProxy.
                h = 0;
                for (int i = 0; i + 4 <= a.length; i += 4) {
                    h ^= (a[i] & 0xff) << 24 | (a[i + 1] & 0xff) << 16 | (a[i + 2] & 0xff) << 8 | a[i + 3] & 0xff;
                }
            }
            case URI -> {
                if (!key.hasBytes()) {
                    return -1;
                }
                h = uriHash(key);
            }
            case URL_PARAM -> {
                if (!key.hasBytes()) {
                    return -1;
                }
                long p = paramHash(key);
                if (p < 0) {
                    return -1;
                }
                h = (int) p;
            }
            default -> {
                if (!key.hasBytes()) {
                    return -1;
                }
                long v = headerHash(key);
                if (v < 0) {
                    return -1;
                }
                h = (int) v;
            }
        }
        if (balance.avalanche()) {
            h = HashFunction.avalanche(h);
        }
        return h & 0xffffffffL;
    }

    /** {@code balance uri}: the target from its path (with {@code path-only}), cut at {@code ?}, {@code len} and {@code depth}. */
    private int uriHash(BalanceKey key) {
        BalanceSpec.UriKey u = balance.uri();
        int start = key.start();
        int end = key.end();
        if (u.pathOnly()) {
            start = pathStart(key, start, end);
        }
        if (u.len() > 0) {
            end = Math.min(end, start + u.len());
        }
        int slashes = 0;
        int stop = start;
        while (stop < end) {
            int c = key.at(stop);
            if (c == '/') {
                slashes++;
                // depth N hashes N directory levels: it stops at the slash that opens level N + 1.
                if (u.depth() > 0 && slashes == u.depth() + 1) {
                    break;
                }
            } else if (c == '?' && !u.whole()) {
                break;
            }
            stop++;
        }
        return key.hash(balance.hashFunction(), start, stop);
    }

    /** Where the path begins: after {@code scheme://authority} of an absolute target, else at once. */
    private static int pathStart(BalanceKey key, int start, int end) {
        if (start < end && key.at(start) == '/') {
            return start;
        }
        for (int i = start; i + 2 < end; i++) {
            if (key.at(i) == ':' && key.at(i + 1) == '/' && key.at(i + 2) == '/') {
                for (int j = i + 3; j < end; j++) {
                    if (key.at(j) == '/') {
                        return j;
                    }
                }
                return end;
            }
        }
        return start;
    }

    /** {@code balance url_param}: the value of the first {@code name=} parameter of the query string, or -1. */
    private long paramHash(BalanceKey key) {
        String name = balance.argument();
        int plen = name.length();
        int end = key.end();
        int q = key.start();
        while (q < end && key.at(q) != '?') {
            q++;
        }
        if (q == end) {
            return -1;
        }
        int params = q + 1;
        while (end - params > plen) {
            if (key.at(params + plen) == '=' && startsWith(key, params, name)) {
                int v = params + plen + 1;
                int e = v;
                while (e < end && key.at(e) != '&') {
                    e++;
                }
                return key.hash(balance.hashFunction(), v, e) & 0xffffffffL;
            }
            int amp = params;
            while (amp < end && key.at(amp) != '&') {
                amp++;
            }
            if (amp == end) {
                return -1;
            }
            params = amp + 1;
        }
        return -1;
    }

    private static boolean startsWith(BalanceKey key, int at, String s) {
        for (int i = 0; i < s.length(); i++) {
            if (key.at(at + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code balance hdr(<name>)}: the first comma-separated element of the
     * value, trimmed, or its domain part with {@code use_domain_only}; -1 when empty.
     */
    private long headerHash(BalanceKey key) {
        int start = key.start();
        int end = key.end();
        int comma = start;
        while (comma < end && key.at(comma) != ',') {
            comma++;
        }
        end = comma;
        while (start < end && isSpace(key.at(start))) {
            start++;
        }
        while (end > start && isSpace(key.at(end - 1))) {
            end--;
        }
        if (start == end) {
            return -1;
        }
        if (balance.domainOnly()) {
            // The label before the last dot ("example" of "www.example.com"); the whole value without a dot.
            int lastDot = -1;
            for (int i = end - 1; i >= start; i--) {
                if (key.at(i) == '.') {
                    lastDot = i;
                    break;
                }
            }
            if (lastDot >= 0) {
                int from = lastDot;
                while (from > start && key.at(from - 1) != '.') {
                    from--;
                }
                start = from;
                end = lastDot;
            }
        }
        return key.hash(balance.hashFunction(), start, end) & 0xffffffffL;
    }

    private static boolean isSpace(int c) {
        return c == ' ' || c == '\t';
    }
}
