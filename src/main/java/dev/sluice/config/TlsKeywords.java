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
    private TlsKeywords() {
    }

    static void register(KeywordRegistry keywords) {
        keywords.bind()
                .flag("ssl", (b, use) -> b.tls.ssl = true)
                .add(new Keyword<>("crt", "<file|directory>", 1, 1, Keyword.Repeat.EACH_LINE, Support.IMPLEMENTED,
                        (b, use) -> b.tls.crts.add(use.arg(0))));
        keywords.bind()
                .single("alpn", "<protocol>[,<protocol>...]", (b, use) -> b.tls.alpn = alpn(use, use.arg(0)))
                .single("ciphers", "<openssl cipher list>", (b, use) -> b.tls.ciphers = use.arg(0))
                .single("ciphersuites", "<tls 1.3 suites>", (b, use) -> b.tls.ciphersuites = use.arg(0))
                .single("curves", "<group>[:<group>...]", (b, use) -> b.tls.curves = groups(use))
                .single("ecdhe", "<named curve>", (b, use) -> b.tls.ecdhe = groups(use))
                .single("ssl-min-ver", "TLSv1.0|TLSv1.1|TLSv1.2|TLSv1.3",
                        (b, use) -> b.tls.minVersion = TlsSettings.version(use, use.arg(0)))
                .single("ssl-max-ver", "TLSv1.0|TLSv1.1|TLSv1.2|TLSv1.3",
                        (b, use) -> b.tls.maxVersion = TlsSettings.version(use, use.arg(0)))
                .flag("no-sslv3", (b, use) -> { })
                .flag("no-tlsv10", (b, use) -> b.tls.without.add("TLSv1.0"))
                .flag("no-tlsv11", (b, use) -> b.tls.without.add("TLSv1.1"))
                .flag("no-tlsv12", (b, use) -> b.tls.without.add("TLSv1.2"))
                .flag("no-tlsv13", (b, use) -> b.tls.without.add("TLSv1.3"));
        keywords.global()
                .single("crt-base", "<directory>", (g, use) -> g.tls.crtBase = use.arg(0))
                // Only 'ca-file' and 'crl-file' read it, and both are refused until client certificates are
                // verified: accepting the base alone changes nothing an operator's file does.
                .single("ca-base", "<directory>", (g, use) -> g.tls.caBase = use.arg(0))
                .single("ssl-default-bind-ciphers", "<openssl cipher list>", (g, use) -> g.tls.ciphers = use.arg(0))
                .single("ssl-default-bind-ciphersuites", "<tls 1.3 suites>",
                        (g, use) -> g.tls.ciphersuites = use.arg(0))
                .single("ssl-default-bind-curves", "<group>[:<group>...]", (g, use) -> g.tls.curves = groups(use))
                .variadic("ssl-default-bind-options", "<option>...", TlsKeywords::defaultOptions);
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
        List<String> args = use.args();
        for (int i = 0; i < args.size(); i++) {
            String o = args.get(i);
            switch (o) {
                case "no-sslv3" -> { }
                case "no-tlsv10" -> g.tls.without.add("TLSv1.0");
                case "no-tlsv11" -> g.tls.without.add("TLSv1.1");
                case "no-tlsv12" -> g.tls.without.add("TLSv1.2");
                case "no-tlsv13" -> g.tls.without.add("TLSv1.3");
                case "prefer-client-ciphers" -> g.tls.preferClientCiphers = true;
                case "ssl-min-ver", "ssl-max-ver" -> {
                    if (i + 1 >= args.size()) {
                        throw use.error(o + " needs a version: TLSv1.2 or TLSv1.3");
                    }
                    String v = TlsSettings.version(use, args.get(++i));
                    if (o.equals("ssl-min-ver")) {
                        g.tls.minVersion = v;
                    } else {
                        g.tls.maxVersion = v;
                    }
                }
                case "no-tls-tickets" -> noTickets();
                default -> throw use.error("'" + o + "' is not supported by Sluice; it takes no-sslv3, no-tlsv10,"
                        + " no-tlsv11, no-tlsv12, no-tlsv13, ssl-min-ver, ssl-max-ver, prefer-client-ciphers and"
                        + " no-tls-tickets");
            }
        }
    }
}
