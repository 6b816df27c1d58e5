package dev.sluice.config;

import java.util.List;

/**
 * How a server finds its address at run time: through which {@code resolvers}
 * section, for which name, preferring which family, and how it starts
 * ({@code init-addr}). A server of a {@code server-template} shares its name with
 * the template's other servers; the resolver gives each one address of the
 * answer.
 *
 * <p>Immutable.
 *
 * @param resolvers  the {@code resolvers} section, or null when the server's address is fixed
 * @param hostname   the name to resolve (an SRV name such as {@code _http._tcp.svc} for SRV records), or null
 * @param preferIpv6 {@code resolve-prefer}: HAProxy's default is ipv6
 * @param initAddr   {@code init-addr}, in order
 * @param template   the {@code server-template} prefix the server was made by, or null
 */
public record DiscoveryConfig(String resolvers, String hostname, boolean preferIpv6, List<InitAddr> initAddr,
        String template) {
    /** The methods of {@code init-addr}. */
    public enum InitAddr { LAST, LIBC, NONE }

    /** HAProxy's default {@code init-addr}: the state file's address, else the system resolver's. */
    public static final List<InitAddr> DEFAULT_INIT_ADDR = List.of(InitAddr.LAST, InitAddr.LIBC);

    /** A server whose address the file gives, resolved once. */
    public static final DiscoveryConfig NONE = new DiscoveryConfig(null, null, true, DEFAULT_INIT_ADDR, null);

    public DiscoveryConfig {
        initAddr = List.copyOf(initAddr);
    }

    /** Whether the server's address comes from a resolvers section at run time. */
    public boolean discovered() {
        return resolvers != null && hostname != null;
    }

    /** Whether the name asks for SRV records ({@code _service._proto.name}): they give the ports too. */
    public boolean srv() {
        return hostname != null && hostname.startsWith("_");
    }
}
