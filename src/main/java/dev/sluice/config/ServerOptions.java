package dev.sluice.config;

/**
 * The options after {@code server NAME ADDR:PORT} while the line is read. A
 * feature that adds server options keeps their values in a holder of its own
 * here, copies it in the copy constructor (what {@code default-server} passes on),
 * and makes it one component of {@link ServerConfig} in {@link #build}.
 *
 * <p>Not thread-safe: used by one parser.
 */
final class ServerOptions {
    int maxconn;
    int maxqueue;
    long poolPurgeDelayMillis = ServerConfig.DEFAULT_POOL_PURGE_DELAY_MILLIS;
    int poolMaxConn = ServerConfig.UNLIMITED_POOL;
    /** {@code send-proxy} (1), {@code send-proxy-v2} (2), or 0 (ProxyProtocolKeywords). */
    int sendProxy;
    /** {@code weight}, {@code backup}, {@code disabled} (BalanceKeywords). */
    final ServerBalanceOptions balancing;
    /** {@code check} and its options (CheckKeywords). */
    final ServerCheckOptions check;
    /** TLS towards the server ({@link ServerTlsKeywords}). */
    final ServerTlsSettings tls;
    /** DNS discovery ({@link DiscoveryKeywords}): the resolvers section, the family preferred, init-addr. */
    String resolvers;
    boolean preferIpv6 = true;
    java.util.List<DiscoveryConfig.InitAddr> initAddr = DiscoveryConfig.DEFAULT_INIT_ADDR;

    ServerOptions() {
        balancing = new ServerBalanceOptions();
        check = new ServerCheckOptions();
        tls = new ServerTlsSettings();
    }

    /**
     * The options a {@code default-server} line left, for the next server line
     * (or the next {@code default-server} line, which adds to them) to start from.
     */
    ServerOptions(ServerOptions defaults) {
        maxconn = defaults.maxconn;
        maxqueue = defaults.maxqueue;
        poolPurgeDelayMillis = defaults.poolPurgeDelayMillis;
        poolMaxConn = defaults.poolMaxConn;
        sendProxy = defaults.sendProxy;
        balancing = new ServerBalanceOptions(defaults.balancing);
        check = new ServerCheckOptions(defaults.check);
        tls = new ServerTlsSettings(defaults.tls);
        resolvers = defaults.resolvers;
        preferIpv6 = defaults.preferIpv6;
        initAddr = defaults.initAddr;
    }

    ServerConfig build(String name, ServerAddress target, int line) {
        return build(name, target, null, null, line);
    }

    /** @param hostname the name resolved at run time, or null; @param template the server-template prefix, or null */
    ServerConfig build(String name, ServerAddress target, String hostname, String template, int line) {
        DiscoveryConfig discovery = hostname == null ? DiscoveryConfig.NONE
                : new DiscoveryConfig(resolvers, hostname, preferIpv6, initAddr, template);
        return new ServerConfig(name, target, maxconn, maxqueue, poolPurgeDelayMillis, poolMaxConn, balancing.weight,
                balancing.backup, balancing.disabled, CheckKeywords.spec(check, sendProxy), discovery, sendProxy, line,
                null, tls.ssl || tls.checkSsl != null && tls.checkSsl ? new ServerTlsSettings(tls) : null,
                balancing.cookie);
    }
}
