package dev.sluice.config;

import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * OpenSSL's cipher names, as {@code ciphers} and {@code ssl-default-bind-ciphers}
 * write them ({@code ECDHE-RSA-AES128-GCM-SHA256}), turned into the JDK's
 * ({@code TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}). A list names suites one by
 * one, as the common recommended lists do; an exclusion ({@code !aNULL},
 * {@code -MD5}) excludes nothing more, since only the named suites are on;
 * {@code HIGH}, {@code DEFAULT}, {@code ALL} and {@code SECURE} stand for the
 * JDK's default suites, all of them of OpenSSL's high class. Combinations
 * ({@code EECDH+AESGCM}) are refused with the reason. A named suite the JDK
 * lacks is left out, as OpenSSL leaves out names it does not know; a list
 * that leaves nothing is refused.
 *
 * <p>Stateless; safe from any thread.
 */
final class TlsCipherNames {
    private static final Pattern NAME = Pattern.compile(
            "(?:(ECDHE|DHE)-(RSA|ECDSA)-)?(?:(AES)(128|256)-(GCM-)?SHA(256|384)?|(CHACHA20-POLY1305))");
    private static final Set<String> DEFAULT_ALIASES = Set.of("HIGH", "DEFAULT", "ALL", "SECURE");

    private TlsCipherNames() {
    }

    /** The JDK names of a TLS 1.2 list. */
    static List<String> tls12(String list, String file, int line) throws ConfigException {
        List<String> out = new ArrayList<>();
        Set<String> supported = Set.of(supported().getCipherSuites());
        for (String token : list.split("[:, ]+")) {
            if (token.isEmpty() || token.startsWith("!") || token.startsWith("-")) {
                continue;
            }
            if (DEFAULT_ALIASES.contains(token)) {
                addAll(out, tls12Defaults());
                continue;
            }
            if (token.contains("+") || token.startsWith("@")) {
                throw new ConfigException(file, line, "ciphers: '" + token + "' combines OpenSSL cipher classes, which"
                        + " Sluice does not read; list the suites by name (ECDHE-RSA-AES128-GCM-SHA256:...)");
            }
            String name = jdkName(token);
            if (name == null) {
                throw new ConfigException(file, line, "ciphers: '" + token + "' is not a TLS 1.2 suite Sluice knows;"
                        + " list ECDHE, DHE or RSA suites with AES-GCM, AES-CBC or CHACHA20-POLY1305 by name");
            }
            if (supported.contains(name) && !out.contains(name)) {
                out.add(name);
            }
        }
        if (out.isEmpty()) {
            throw new ConfigException(file, line, "ciphers: '" + list + "' leaves no suite the JDK offers");
        }
        return out;
    }

    /** The JDK names of a TLS 1.3 list ({@code ciphersuites}): the names are the same. */
    static List<String> tls13(String list, String file, int line) throws ConfigException {
        List<String> out = new ArrayList<>();
        Set<String> supported = Set.of(supported().getCipherSuites());
        for (String token : list.split("[:, ]+")) {
            if (token.isEmpty()) {
                continue;
            }
            if (!token.startsWith("TLS_") || token.contains("_WITH_")) {
                throw new ConfigException(file, line, "ciphersuites: '" + token + "' is not a TLS 1.3 suite"
                        + " (TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256)");
            }
            if (supported.contains(token) && !out.contains(token)) {
                out.add(token);
            }
        }
        if (out.isEmpty()) {
            throw new ConfigException(file, line, "ciphersuites: '" + list + "' leaves no suite the JDK offers");
        }
        return out;
    }

    static List<String> tls12Defaults() {
        List<String> out = new ArrayList<>();
        for (String s : defaults().getCipherSuites()) {
            if (s.contains("_WITH_")) {
                out.add(s);
            }
        }
        return out;
    }

    static List<String> tls13Defaults() {
        List<String> out = new ArrayList<>();
        for (String s : defaults().getCipherSuites()) {
            if (!s.contains("_WITH_") && s.startsWith("TLS_") && !s.equals("TLS_EMPTY_RENEGOTIATION_INFO_SCSV")) {
                out.add(s);
            }
        }
        return out;
    }

    /** {@code ECDHE-RSA-AES128-GCM-SHA256} to {@code TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}, or null. */
    static String jdkName(String openssl) {
        Matcher m = NAME.matcher(openssl);
        if (!m.matches()) {
            return null;
        }
        String exchange = m.group(1) == null ? "RSA" : m.group(1) + "_" + m.group(2);
        String cipher;
        if (m.group(7) != null) {
            if (m.group(1) == null) {
                return null;
            }
            cipher = "CHACHA20_POLY1305_SHA256";
        } else {
            boolean gcm = m.group(5) != null;
            String hash = m.group(6) == null ? "SHA" : "SHA" + m.group(6);
            if (gcm && m.group(6) == null) {
                return null;
            }
            cipher = "AES_" + m.group(4) + (gcm ? "_GCM_" : "_CBC_") + hash;
        }
        return "TLS_" + exchange + "_WITH_" + cipher;
    }

    private static void addAll(List<String> out, List<String> names) {
        for (String n : names) {
            if (!out.contains(n)) {
                out.add(n);
            }
        }
    }

    private static SSLParameters supported() {
        try {
            return SSLContext.getDefault().getSupportedSSLParameters();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK offers no default TLS context", e);
        }
    }

    private static SSLParameters defaults() {
        try {
            return SSLContext.getDefault().getDefaultSSLParameters();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK offers no default TLS context", e);
        }
    }
}
