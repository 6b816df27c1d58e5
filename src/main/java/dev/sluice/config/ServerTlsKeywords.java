package dev.sluice.config;

import dev.sluice.net.TlsClientContext;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TLS towards servers: the server options {@code ssl}, {@code verify},
 * {@code verifyhost}, {@code ca-file}, {@code crt}, {@code sni}, {@code
 * check-ssl}, {@code check-sni}, {@code alpn}, {@code ciphers}, {@code
 * ciphersuites}, {@code ssl-min-ver}, {@code ssl-max-ver}, {@code no-tlsv10}
 * to {@code no-tlsv13} and {@code no-ssl-reuse}, and the global defaults
 * {@code ssl-default-server-ciphers}, {@code -ciphersuites} and {@code
 * -options} and {@code ssl-server-verify}. Resolved once the file is read
 * ({@link ServerTlsSettings#resolve}).
 *
 * <p>Stateless; the tables it fills are built once.
 */
final class ServerTlsKeywords {
    /** {@code req.hdr(host)}, perhaps with {@code ,field(1,:)} (the port dropped) or {@code ,lower}. */
    private static final Pattern HOST = Pattern.compile("(?:req\\.)?hdr\\((?i:host)\\)(?:,field\\(1,:\\))?(?:,lower)?");
    private static final Pattern FIXED = Pattern.compile("str\\(([^()]+)\\)");

    private ServerTlsKeywords() {
    }

    static void register(KeywordRegistry keywords) {
        keywords.server()
                .option("ssl", (s, use) -> s.tls.ssl = true, (s, use) -> s.tls.ssl = false)
                .single("verify", "none|required", ServerTlsKeywords::verify)
                .single("ca-file", "<file>|@system-ca", (s, use) -> s.tls.caFile = use.arg(0))
                .single("crl-file", "<file>", (s, use) -> s.tls.crlFile = use.arg(0))
                .single("crt", "<file>", (s, use) -> s.tls.crt = use.arg(0))
                .single("sni", "str(<name>)|req.hdr(host)|ssl_fc_sni", ServerTlsKeywords::sni)
                .single("check-sni", "<name>", (s, use) -> s.tls.checkSni = use.arg(0))
                .single("alpn", "<protocol>[,<protocol>...]", ServerTlsKeywords::alpn)
                .option("ssl-reuse", (s, use) -> s.tls.noReuse = false, (s, use) -> s.tls.noReuse = true)
                .option("check-ssl", (s, use) -> s.tls.checkSsl = true, (s, use) -> s.tls.checkSsl = false);
        TlsOffer.register(keywords.server(), s -> s.tls.offer);
        keywords.server().add(new Keyword<>("verifyhost", "<hostname>", 1, 1, Keyword.Repeat.LAST_WINS,
                Support.IMPLEMENTED, (s, use) -> s.tls.verifyHost = use.arg(0), (s, use) -> s.tls.verifyHost = null));
        keywords.global()
                .single("ssl-default-server-ciphers", "<openssl cipher list>",
                        (g, use) -> g.tls.serverOffer.ciphers = use.arg(0))
                .single("ssl-default-server-ciphersuites", "<tls 1.3 suites>",
                        (g, use) -> g.tls.serverOffer.ciphersuites = use.arg(0))
                .variadic("ssl-default-server-options", "<option>...", ServerTlsKeywords::defaultOptions)
                .single("ssl-server-verify", "none|required", (g, use) -> g.tls.serverVerify = required(use));
    }

    private static void verify(ServerOptions s, Invocation use) throws ConfigException {
        s.tls.verify = required(use);
    }

    private static boolean required(Invocation use) throws ConfigException {
        return switch (use.arg(0)) {
            case "required" -> true;
            case "none" -> false;
            default -> throw use.error("expected none or required, got '" + use.arg(0) + "'");
        };
    }

    /**
     * {@code sni}: HAProxy takes any sample expression; Sluice takes the
     * three that name a server: a fixed name, the request's Host (its port
     * dropped, as SNI carries none), and the name the client asked for.
     */
    private static void sni(ServerOptions s, Invocation use) throws ConfigException {
        String e = use.arg(0);
        Matcher fixed = FIXED.matcher(e);
        if (fixed.matches()) {
            s.tls.sni = TlsClientContext.Sni.FIXED;
            s.tls.sniName = fixed.group(1);
        } else if (HOST.matcher(e).matches()) {
            s.tls.sni = TlsClientContext.Sni.HOST;
            s.tls.sniName = null;
        } else if (e.equals("ssl_fc_sni")) {
            s.tls.sni = TlsClientContext.Sni.CLIENT;
            s.tls.sniName = null;
        } else {
            throw use.error("'" + e + "' is not an expression Sluice evaluates for sni; it takes str(NAME),"
                    + " req.hdr(host) (with ,field(1,:) or ,lower) and ssl_fc_sni");
        }
    }

    /** {@code alpn} towards a server: HTTP/1.1 and HTTP/1.0, since Sluice speaks nothing else to servers. */
    private static void alpn(ServerOptions s, Invocation use) throws ConfigException {
        List<String> names = Arrays.asList(use.arg(0).split(",", -1));
        for (String n : names) {
            if (!n.equals("http/1.1") && !n.equals("http/1.0")) {
                throw use.error("'" + n + "': Sluice speaks HTTP/1.1 to servers; write alpn http/1.1");
            }
        }
        s.tls.alpn = names;
    }

    /**
     * {@code ssl-default-server-options}: the version options of a server
     * line, {@code no-ssl-reuse}, and {@code no-tls-tickets}, which turns the
     * JDK's client tickets off for the whole process (its switch, {@code
     * jdk.tls.client.enableSessionTicketExtension}, is read once, when the
     * first TLS context is made; the global section is read before any).
     */
    private static void defaultOptions(GlobalSection g, Invocation use) throws ConfigException {
        g.tls.serverOffer.options(use, o -> {
            switch (o) {
                case "no-ssl-reuse" -> g.tls.serverNoReuse = true;
                case "no-tls-tickets" -> System.setProperty("jdk.tls.client.enableSessionTicketExtension", "false");
                default -> throw use.error("'" + o + "' is not supported by Sluice; it takes no-sslv3, no-tlsv10,"
                        + " no-tlsv11, no-tlsv12, no-tlsv13, ssl-min-ver, ssl-max-ver, no-ssl-reuse and no-tls-tickets");
            }
        });
    }
}
