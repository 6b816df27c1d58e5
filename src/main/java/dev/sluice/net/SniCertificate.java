package dev.sluice.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One certificate of a TLS listener and the server names it answers: the
 * names the certificate itself holds (common name, DNS alternative names),
 * or those a {@code crt-list} line gives as its SNI filters. A filter
 * written {@code !name} takes that name away from the certificate's other
 * (wildcard) names.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param material the certificate's chain and key
 * @param names the host names (a {@code *.} wildcard matching one label) it answers, in lower case
 * @param excluded the host names it does not answer even when a wildcard matches them, in lower case
 */
public record SniCertificate(PemKeyMaterial material, List<String> names, List<String> excluded) {
    public SniCertificate {
        names = List.copyOf(names);
        excluded = List.copyOf(excluded);
    }

    /** The certificate answering the names it holds. */
    public static SniCertificate of(PemKeyMaterial material) {
        return new SniCertificate(material, SniKeyManager.namesOf(material.chain().get(0)), List.of());
    }

    /**
     * The certificate answering a {@code crt-list} line's filters; with no
     * positive filter, the names it holds, less the excluded ones.
     */
    public static SniCertificate filtered(PemKeyMaterial material, List<String> filters) {
        List<String> names = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        for (String f : filters) {
            String n = f.toLowerCase(Locale.ROOT);
            if (n.startsWith("!")) {
                excluded.add(n.substring(1));
            } else {
                names.add(n);
            }
        }
        if (names.isEmpty()) {
            names.addAll(SniKeyManager.namesOf(material.chain().get(0)));
        }
        return new SniCertificate(material, names, excluded);
    }

    /** Whether this certificate answers a host name (lower case). */
    boolean answers(String host) {
        for (String x : excluded) {
            if (SniKeyManager.matches(x, host)) {
                return false;
            }
        }
        for (String n : names) {
            if (SniKeyManager.matches(n, host)) {
                return true;
            }
        }
        return false;
    }
}
