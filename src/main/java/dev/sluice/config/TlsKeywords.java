package dev.sluice.config;

import java.util.Arrays;
import java.util.List;

/**
 * TLS termination's keywords: the bind options {@code ssl}, {@code crt},
 * {@code alpn}, {@code ciphers}, {@code ciphersuites}, {@code ssl-min-ver},
 * {@code ssl-max-ver}, {@code no-tlsv10} to {@code no-tlsv13}, {@code curves}
 * and {@code ecdhe}, and the global defaults {@code crt-base} and {@code
 * ssl-default-bind-ciphers}, {@code -ciphersuites}, {@code -curves} and
 * {@code -options}. The values are read here and
 * resolved against the defaults once the file is read ({@link TlsSettings#resolve}).
 *
 * <p>Stateless; the tables it fills are built once.
 */
final class TlsKeywords {
    /** The DHE group sizes the JDK holds a fixed (RFC 7919 or RFC 3526) group for. */
    private static final List<Integer> DH_SIZES = List.of(1024, 1536, 2048, 3072, 4096, 6144, 8192);

    private TlsKeywords() {
    }

    static void register(KeywordRegistry keywords) {
        keywords.bind()
                .flag("ssl", (b, use) -> b.tls.ssl = true)
                .add(new Keyword<>("crt", "<file|directory>", 1, 1, Keyword.Repeat.EACH_LINE, Support.IMPLEMENTED,
                        (b, use) -> b.tls.crts.add(new TlsSettings.CertSource(use.arg(0), false))));
        keywords.bind().add(new Keyword<>("crt-list", "<file>", 1, 1, Keyword.Repeat.EACH_LINE, Support.IMPLEMENTED,
                (b, use) -> b.tls.crts.add(new TlsSettings.CertSource(use.arg(0), true))));
        keywords.bind()
                .single("verify", "none|optional|required", TlsKeywords::verify)
                .single("ca-file", "<file>|@system-ca", (b, use) -> b.tls.caFile = use.arg(0))
                .single("crl-file", "<file>", (b, use) -> b.tls.crlFile = use.arg(0))
                .flag("strict-sni", (b, use) -> b.tls.strictSni = true)
                .flag("no-strict-sni", (b, use) -> b.tls.strictSni = false);
        keywords.bind()
                .single("alpn", "<protocol>[,<protocol>...]", (b, use) -> b.tls.alpn = alpn(use, use.arg(0)))
                .single("curves", "<group>[:<group>...]", (b, use) -> b.tls.curves = groups(use))
                .single("ecdhe", "<named curve>", (b, use) -> b.tls.ecdhe = groups(use));
        TlsOffer.register(keywords.bind(), b -> b.tls.offer);
        keywords.global()
                .single("crt-base", "<directory>", (g, use) -> g.tls.crtBase = use.arg(0))
                .single("ca-base", "<directory>", (g, use) -> g.tls.caBase = use.arg(0))
                .single("ssl-default-bind-ciphers", "<openssl cipher list>",
                        (g, use) -> g.tls.offer.ciphers = use.arg(0))
                .single("ssl-default-bind-ciphersuites", "<tls 1.3 suites>",
                        (g, use) -> g.tls.offer.ciphersuites = use.arg(0))
                .single("ssl-default-bind-curves", "<group>[:<group>...]", (g, use) -> g.tls.curves = groups(use))
                .variadic("ssl-default-bind-options", "<option>...", TlsKeywords::defaultOptions)
                .single("tune.ssl.cachesize", "<number>", TlsKeywords::cacheSize)
                .single("tune.ssl.lifetime", "<time>", TlsKeywords::lifetime)
                .single("tune.ssl.default-dh-param", "<bits>", TlsKeywords::dhParam);
    }

    /**
     * {@code tune.ssl.cachesize}: the most sessions each ssl listener keeps
     * for resumption (HAProxy counts 200-byte blocks of one shared cache;
     * the JDK keeps one cache per context, of whole sessions). 0 would turn
     * HAProxy's cache off, but is "no limit" to the JDK, so it is refused.
     */
    private static void cacheSize(GlobalSection g, Invocation use) throws ConfigException {
        if (use.arg(0).equals("0")) {
            throw use.error("0 turns HAProxy's session cache off, but the JDK's engine has no such switch (to it"
                    + " 0 means no limit); write a size of at least 1");
        }
        g.tls.cacheSize = use.number(use.arg(0), 1, Integer.MAX_VALUE);
    }

    /** {@code tune.ssl.lifetime}: seconds when the number has no unit, as in HAProxy. */
    private static void lifetime(GlobalSection g, Invocation use) throws ConfigException {
        String t = use.arg(0);
        long millis = t.chars().allMatch(Character::isDigit) ? use.timeMillis(t + "s") : use.timeMillis(t);
        if (millis < 1000) {
            throw use.error("a session lifetime under one second ('" + t + "'): the JDK counts it in seconds");
        }
        g.tls.lifetimeSeconds = (int) Math.min(Integer.MAX_VALUE, millis / 1000);
    }

    /**
     * {@code tune.ssl.default-dh-param}: the size of the finite-field group
     * a TLS 1.2 {@code DHE-*} suite uses when the client names no group
     * (one that names an RFC 7919 group gets that one). The JDK reads its
     * switch, {@code jdk.tls.ephemeralDHKeySize}, once, at the first such
     * handshake, so a reload does not change it; it is set when the
     * listeners' contexts are made, not while the file is read. HAProxy
     * caps the size at the certificate's RSA key; the JDK uses it as given.
     */
    private static void dhParam(GlobalSection g, Invocation use) throws ConfigException {
        int bits = use.number(use.arg(0), 1, Integer.MAX_VALUE);
        if (!DH_SIZES.contains(bits)) {
            throw use.error(bits + " bits: the JDK holds DH groups of 1024, 1536, 2048, 3072, 4096, 6144 and 8192"
                    + " bits only; write one of those (2048 is the default)");
        }
        g.tls.dhParamBits = bits;
    }

    /** {@code verify} on a bind line: whether clients are asked for a certificate, and must give one. */
    private static void verify(BindOptions b, Invocation use) throws ConfigException {
        b.tls.verify = switch (use.arg(0)) {
            case "none" -> dev.sluice.net.TlsServerContext.ClientAuth.NONE;
            case "optional" -> dev.sluice.net.TlsServerContext.ClientAuth.OPTIONAL;
            case "required" -> dev.sluice.net.TlsServerContext.ClientAuth.REQUIRED;
            default -> throw use.error("expected none, optional or required, got '" + use.arg(0) + "'");
        };
    }

    private static List<String> groups(Invocation use) throws ConfigException {
        return TlsGroupNames.groups(use.arg(0), use.keyword(), use.file(), use.line());
    }

    /** {@code alpn}: HTTP/1.1 and HTTP/1.0 only; h2 is refused until Sluice speaks it. */
    private static List<String> alpn(Invocation use, String list) throws ConfigException {
        List<String> names = Arrays.asList(list.split(",", -1));
        for (String n : names) {
            if (n.equals("h2")) {
                throw use.error("h2: HTTP/2 is not supported; write alpn http/1.1");
            }
            if (!n.equals("http/1.1") && !n.equals("http/1.0")) {
                throw use.error("'" + n + "' is not a protocol Sluice speaks; write alpn http/1.1");
            }
        }
        return names;
    }

    /**
     * {@code no-tls-tickets}: the JDK's engine sends no session tickets. Its
     * switch is a system property read once, when the process makes its
     * first TLS context; the global section is read before any bind line's
     * certificates, so it is set in time at start-up, and a reload cannot
     * turn tickets back on.
     */
    private static void noTickets() {
        System.setProperty("jdk.tls.server.enableSessionTicketExtension", "false");
    }

    /** {@code ssl-default-bind-options}: the version options of a bind line, for every ssl bind. */
    private static void defaultOptions(GlobalSection g, Invocation use) throws ConfigException {
        g.tls.offer.options(use, o -> {
            switch (o) {
                case "prefer-client-ciphers" -> g.tls.preferClientCiphers = true;
                case "strict-sni" -> g.tls.strictSni = true;
                case "no-tls-tickets" -> noTickets();
                default -> throw use.error("'" + o + "' is not supported by Sluice; it takes no-sslv3, no-tlsv10,"
                        + " no-tlsv11, no-tlsv12, no-tlsv13, ssl-min-ver, ssl-max-ver, prefer-client-ciphers, strict-sni"
                        + " and no-tls-tickets");
            }
        });
    }
}
