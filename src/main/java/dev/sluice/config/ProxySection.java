package dev.sluice.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code defaults}, {@code frontend} or {@code backend} section while the file
 * is read. A frontend or backend starts as a copy of the {@code defaults} section
 * in force where it begins, as in HAProxy.
 *
 * <p>Not thread-safe: used by one parser.
 */
final class ProxySection {
    enum Kind {
        DEFAULTS("defaults"), FRONTEND("frontend"), LISTEN("listen"), BACKEND("backend");

        final String word;

        Kind(String word) {
            this.word = word;
        }

        /** Whether a section of this kind accepts connections (and so becomes a {@link FrontendConfig}). */
        boolean isFrontend() {
            return this == FRONTEND || this == LISTEN;
        }

        /** Whether a section of this kind has servers (and so becomes a {@link BackendConfig}). */
        boolean isBackend() {
            return this == BACKEND || this == LISTEN;
        }
    }

    final Kind kind;
    final String name;
    final int line;

    Mode mode = Mode.TCP;
    /** 0 when not set: the global maxconn applies. */
    int maxconn;
    final long[] timeouts = new long[TimeoutKind.values().length];
    /** Keyword name to the line that set the value, including lines of the defaults section inherited from. */
    final Map<String, Integer> origins = new HashMap<>();
    /** Keyword name to the line that used it in this very section. */
    final Map<String, Integer> seen = new HashMap<>();

    final List<BindConfig> binds = new ArrayList<>();
    String defaultBackend;
    final List<ServerConfig> servers = new ArrayList<>();
    /** The options {@code default-server} lines set so far: each server line starts from a copy. */
    ServerOptions defaultServer = new ServerOptions();
    boolean smartConnect;
    /** {@code option clitcpka} and {@code srvtcpka}; {@code option tcpka} sets both. */
    boolean clientKeepAlive;
    boolean serverKeepAlive;

    /*
     * Each feature's values, in a holder of its own: inherit() copies it from the
     * defaults section, and toFrontend()/toBackend() make it one component of the
     * records.
     */
    /** ACLs, use_backend and tcp-request (RoutingKeywords). */
    final RoutingSettings routing = new RoutingSettings();
    /** The mode http keywords (HttpKeywords). */
    final HttpSettings http = new HttpSettings();
    /** log, log-format, option httplog and the other logging keywords (LogKeywords). */
    final LogSettings log = new LogSettings();
    /** balance, hash-type, allbackups and retries (BalanceKeywords). */
    final BalanceSettings balancing = new BalanceSettings();
    /** The health check keywords (CheckKeywords). */
    final CheckSettings checks = new CheckSettings();
    /** monitor-uri, use-service and the stats page (ServiceKeywords). */
    final ServiceSettings services = new ServiceSettings();

    ProxySection(Kind kind, String name, int line) {
        this.kind = kind;
        this.name = name;
        this.line = line;
    }

    /** A new section of that kind that inherits every value of this defaults section. */
    ProxySection inherit(Kind newKind, String newName, int newLine) {
        ProxySection section = new ProxySection(newKind, newName, newLine);
        section.mode = mode;
        section.maxconn = maxconn;
        section.defaultBackend = defaultBackend;
        section.smartConnect = smartConnect;
        section.clientKeepAlive = clientKeepAlive;
        section.serverKeepAlive = serverKeepAlive;
        section.defaultServer = new ServerOptions(defaultServer);
        section.routing.inherit(routing);
        section.http.inherit(http);
        section.log.inherit(log);
        section.balancing.inherit(balancing);
        section.checks.inherit(checks);
        section.services.inherit(services);
        System.arraycopy(timeouts, 0, section.timeouts, 0, timeouts.length);
        section.origins.putAll(origins);
        return section;
    }

    /** Where a value came from: the line that set it, else this section's header. */
    int lineOf(String keyword) {
        return origins.getOrDefault(keyword, line);
    }

    /** The name a listen section's frontend half sends its traffic to when it says nothing else: itself. */
    String effectiveDefaultBackend() {
        return defaultBackend == null && kind == Kind.LISTEN ? name : defaultBackend;
    }

    /** "frontend 'web'", for messages. */
    String describe() {
        return kind.word + " '" + name + "'";
    }

    /** The frontend record; {@code file} and {@code globalLog} serve the logging keywords ({@link LogSettings#build}). */
    FrontendConfig toFrontend(int globalMaxconn, String file, java.util.List<dev.sluice.log.LogTarget> globalLog) {
        return new FrontendConfig(name, binds, mode, effectiveDefaultBackend(), maxconn == 0 ? globalMaxconn : maxconn,
                TimeoutKind.toTimeouts(timeouts), clientKeepAlive, routing.build(), http.build(),
                log.build(file, mode, globalLog), services.build(), line);
    }

    BackendConfig toBackend(String file) throws ConfigException {
        Timeouts t = TimeoutKind.toTimeouts(timeouts);
        return new BackendConfig(name, mode, balancing.balance(mode), servers, t, smartConnect,
                serverKeepAlive, routing.build(), http.build(), balancing.retry(), checks.build(file, t.connect()), line);
    }
}
