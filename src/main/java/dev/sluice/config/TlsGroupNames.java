package dev.sluice.config;

import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * The key exchange groups of {@code curves}, {@code ecdhe} and {@code
 * ssl-default-bind-curves}, as OpenSSL writes them ({@code X25519:P-256},
 * {@code prime256v1}), turned into the JDK's names ({@code x25519},
 * {@code secp256r1}), in the file's order of preference. As with OpenSSL the
 * list is the whole set the handshake may agree on, finite-field groups
 * ({@code ffdhe2048}) included. A group the JDK does not offer is left out, as
 * a suite is; a list that leaves none is refused.
 *
 * <p>Stateless; safe from any thread.
 */
final class TlsGroupNames {
    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("x25519", "x25519"), Map.entry("x448", "x448"),
            Map.entry("p-256", "secp256r1"), Map.entry("prime256v1", "secp256r1"), Map.entry("secp256r1", "secp256r1"),
            Map.entry("p-384", "secp384r1"), Map.entry("secp384r1", "secp384r1"),
            Map.entry("p-521", "secp521r1"), Map.entry("secp521r1", "secp521r1"),
            Map.entry("ffdhe2048", "ffdhe2048"), Map.entry("ffdhe3072", "ffdhe3072"),
            Map.entry("ffdhe4096", "ffdhe4096"), Map.entry("ffdhe6144", "ffdhe6144"),
            Map.entry("ffdhe8192", "ffdhe8192"));

    private TlsGroupNames() {
    }

    /** The JDK names of a colon-separated list, for the keyword {@code keyword}. */
    static List<String> groups(String list, String keyword, String file, int line) throws ConfigException {
        Set<String> offered = Set.of(offered());
        List<String> out = new ArrayList<>();
        for (String token : list.split("[:,]+")) {
            if (token.isEmpty()) {
                continue;
            }
            String name = ALIASES.get(token.toLowerCase(Locale.ROOT));
            if (name == null) {
                throw new ConfigException(file, line, keyword + ": '" + token + "' is not a group Sluice knows;"
                        + " write X25519, P-256, P-384, P-521, X448 or ffdhe2048 to ffdhe8192, separated by ':'");
            }
            if (offered.contains(name) && !out.contains(name)) {
                out.add(name);
            }
        }
        if (out.isEmpty()) {
            throw new ConfigException(file, line, keyword + ": '" + list + "' leaves no group the JDK offers");
        }
        return out;
    }

    private static String[] offered() {
        try {
            return SSLContext.getDefault().getSupportedSSLParameters().getNamedGroups();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK offers no default TLS context", e);
        }
    }
}
