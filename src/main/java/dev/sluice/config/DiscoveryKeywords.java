package dev.sluice.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * DNS service discovery, as HAProxy configures it: the {@code resolvers}
 * section ({@code nameserver}, {@code parse-resolv-conf},
 * {@code resolve_retries}, {@code timeout resolve|retry}, {@code hold ...},
 * {@code accepted_payload_size}); the server options {@code resolvers},
 * {@code resolve-prefer} and {@code init-addr}; and {@code server-template},
 * whose servers are filled from A/AAAA or SRV records and come and go with
 * them, without a reload.
 *
 * <p>Stateless; the directives run on the parser's thread.
 */
final class DiscoveryKeywords {
    static final Path RESOLV_CONF = Path.of("/etc/resolv.conf");
    /** The most servers one {@code server-template} line makes: each is a slot carved at start. */
    static final int MAX_TEMPLATE_SERVERS = 1024;

    private DiscoveryKeywords() {
    }

    static void register(KeywordRegistry keywords) {
        keywords.resolvers()
                .repeatable("nameserver", "<name> <address>[:<port>]", 2, DiscoveryKeywords::nameserver)
                .flag("parse-resolv-conf", DiscoveryKeywords::parseResolvConf)
                .single("resolve_retries", "<number>", (r, use) -> r.retries = use.number(use.arg(0), 1, 100))
                .single("timeout resolve", "<time>", (r, use) -> r.resolveMillis = positive(use))
                .single("timeout retry", "<time>", (r, use) -> r.retryMillis = positive(use))
                .single("hold nx", "<time>", (r, use) -> r.holdNx = use.timeMillis(use.arg(0)))
                .single("hold refused", "<time>", (r, use) -> r.holdRefused = use.timeMillis(use.arg(0)))
                .single("hold timeout", "<time>", (r, use) -> r.holdTimeout = use.timeMillis(use.arg(0)))
                .single("hold other", "<time>", (r, use) -> r.holdOther = use.timeMillis(use.arg(0)))
                .single("hold valid", "<time>", (r, use) -> r.holdValid = use.timeMillis(use.arg(0)))
                .single("hold obsolete", "<time>", (r, use) -> r.holdObsolete = use.timeMillis(use.arg(0)))
                .single("accepted_payload_size", "<bytes>",
                        (r, use) -> r.payloadSize = use.number(use.arg(0), 512, 65535));
        keywords.server()
                .single("resolvers", "<resolvers section>", (s, use) -> s.resolvers = use.arg(0))
                .single("resolve-prefer", "ipv4|ipv6", DiscoveryKeywords::prefer)
                .single("init-addr", "last,libc,none", DiscoveryKeywords::initAddr);
        keywords.proxies(Placement.BACKEND).repeatable("server-template",
                "<prefix> <num>|<low>-<high> <fqdn>[:<port>] [options]", 3, DiscoveryKeywords::template);
    }

    private static long positive(Invocation use) throws ConfigException {
        long ms = use.timeMillis(use.arg(0));
        if (ms <= 0) {
            throw use.error("expected a time above 0, got '" + use.arg(0) + "'");
        }
        return ms;
    }

    private static void nameserver(ResolversSection r, Invocation use) throws ConfigException {
        if (use.args().size() > 2) {
            throw use.error("nameserver options are not supported by Sluice: it asks its name servers over UDP");
        }
        String text = use.arg(1);
        if (text.startsWith("tcp@") || text.startsWith("tcp4@") || text.startsWith("tcp6@")) {
            throw use.error("name servers over TCP are not supported by Sluice; it asks over UDP, got '" + text + "'");
        }
        String plain = text.startsWith("udp@") ? text.substring(4) : text;
        InetSocketAddress address = plain.matches(".*:[0-9]+$") && !plain.endsWith("]")
                ? use.address(plain, 1) : use.address(plain + ":53", 1);
        if (r.nameserverNames.contains(use.arg(0))) {
            throw use.error("nameserver '" + use.arg(0) + "' is already defined in resolvers " + r.name);
        }
        r.nameserverNames.add(use.arg(0));
        r.nameservers.add(address);
    }

    /** {@code parse-resolv-conf}: every {@code nameserver} line of /etc/resolv.conf, port 53, in place. */
    private static void parseResolvConf(ResolversSection r, Invocation use) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(RESOLV_CONF);
        } catch (IOException e) {
            throw use.error("cannot read " + RESOLV_CONF + ": " + e.getMessage());
        }
        for (String line : lines) {
            String[] words = line.trim().split("\\s+");
            if (words.length >= 2 && words[0].equals("nameserver")) {
                try {
                    r.nameservers.add(new InetSocketAddress(InetAddress.ofLiteral(words[1]), 53));
                    r.nameserverNames.add("resolv.conf:" + words[1]);
                } catch (IllegalArgumentException e) {
                    use.warn(RESOLV_CONF + ": '" + words[1] + "' is not an address; skipped");
                }
            }
        }
    }

    private static void prefer(ServerOptions s, Invocation use) throws ConfigException {
        s.preferIpv6 = switch (use.arg(0).toLowerCase(Locale.ROOT)) {
            case "ipv4" -> false;
            case "ipv6" -> true;
            default -> throw use.error("expected ipv4 or ipv6, got '" + use.arg(0) + "'");
        };
    }

    private static void initAddr(ServerOptions s, Invocation use) throws ConfigException {
        List<DiscoveryConfig.InitAddr> methods = new ArrayList<>();
        for (String m : use.arg(0).split(",", -1)) {
            methods.add(switch (m) {
                case "last" -> DiscoveryConfig.InitAddr.LAST;
                case "libc" -> DiscoveryConfig.InitAddr.LIBC;
                case "none" -> DiscoveryConfig.InitAddr.NONE;
                default -> throw use.error(m.matches("[0-9a-fA-F.:]+")
                        ? "an address in init-addr is not supported by Sluice (supported: last, libc, none)"
                        : "expected last, libc or none, got '" + m + "'");
            });
        }
        s.initAddr = methods;
    }

    /**
     * A server's address when it has {@code resolvers}: a host name is kept to
     * be resolved at run time, and the start address comes from
     * {@code init-addr} (libc now, or none: no address, the server in
     * maintenance until the resolver answers; {@code last} is the state file's,
     * read at start). Without {@code resolvers}, the address is resolved once, now.
     */
    static Resolved address(Invocation use, String text, ServerOptions options) throws ConfigException {
        if (options.resolvers == null) {
            return new Resolved(use.serverAddress(text), null);
        }
        boolean bracketed = text.startsWith("[");
        int colon = bracketed ? text.indexOf("]:") + 1 : text.lastIndexOf(':');
        String host = colon > 0 ? text.substring(0, colon) : text;
        String portText = colon > 0 ? text.substring(colon + 1) : "";
        if (host.matches("[0-9.]+") || host.contains(":") || bracketed) {
            // An address literal needs no resolution: the resolvers option changes nothing.
            return new Resolved(use.serverAddress(text), null);
        }
        boolean srv = host.startsWith("_");
        int port = 0;
        if (!portText.isEmpty()) {
            port = use.number(portText, 1, 65535);
        } else if (!srv) {
            throw use.error("a server resolved at run time needs its port: " + host + ":PORT, or an SRV name"
                    + " (_service._proto.name), whose records give the ports");
        }
        for (DiscoveryConfig.InitAddr method : options.initAddr) {
            if (method == DiscoveryConfig.InitAddr.NONE || srv) {
                return new Resolved(ServerAddress.fixed(new InetSocketAddress(unresolved(), port)), host);
            }
            if (method == DiscoveryConfig.InitAddr.LIBC) {
                try {
                    return new Resolved(ServerAddress.fixed(new InetSocketAddress(use.context().resolver.resolve(host),
                            port)), host);
                } catch (UnknownHostException e) {
                    // The next method of the list, if any.
                }
            }
        }
        throw use.error("cannot resolve '" + host + "' at start (init-addr " + options.initAddr.toString()
                .toLowerCase(Locale.ROOT) + "); add 'none' to start without an address: init-addr last,libc,none");
    }

    /** An address and, when it is resolved at run time, the name it comes from. */
    record Resolved(ServerAddress address, String hostname) {
    }

    /** The address of a server that has none yet (0.0.0.0): it stays in maintenance until resolved. */
    static InetAddress unresolved() {
        return InetAddress.ofLiteral("0.0.0.0");
    }

    /** {@code server-template PREFIX NUM|LOW-HIGH FQDN[:PORT] [options]}: one server per number. */
    private static void template(ProxySection section, Invocation use) throws ConfigException {
        String prefix = use.arg(0);
        String range = use.arg(1);
        int low;
        int high;
        if (range.matches("[0-9]+-[0-9]+")) {
            low = use.number(range.substring(0, range.indexOf('-')), 0, Integer.MAX_VALUE);
            high = use.number(range.substring(range.indexOf('-') + 1), low, Integer.MAX_VALUE);
        } else {
            low = 1;
            high = use.number(range, 1, MAX_TEMPLATE_SERVERS);
        }
        if (high - low + 1 > MAX_TEMPLATE_SERVERS) {
            throw use.error("at most " + MAX_TEMPLATE_SERVERS + " servers per template, got " + (high - low + 1));
        }
        ServerOptions options = new ServerOptions(section.defaultServer);
        CoreKeywords.options(Keywords.SERVER, options, use, 3, "server-template " + prefix);
        if (options.resolvers == null) {
            throw use.error("a server-template needs 'resolvers <section>': Sluice fills its servers from DNS");
        }
        options.initAddr = List.of(DiscoveryConfig.InitAddr.NONE);
        Resolved resolved = address(use, use.arg(2), options);
        if (resolved.hostname() == null) {
            throw use.error("a server-template needs a host name to resolve, got '" + use.arg(2) + "'");
        }
        for (int i = low; i <= high; i++) {
            String name = prefix + i;
            for (ServerConfig other : section.servers) {
                if (other.name().equals(name)) {
                    throw use.error("server '" + name + "' is already defined in " + section.describe() + " at line "
                            + other.line());
                }
            }
            section.servers.add(options.build(name, resolved.address(), resolved.hostname(), prefix, use.line()));
        }
    }
}
