package dev.sluice.config;

import java.net.InetSocketAddress;
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
        DEFAULTS("defaults"), FRONTEND("frontend"), BACKEND("backend");

        final String word;

        Kind(String word) {
            this.word = word;
        }
    }

    final Kind kind;
    final String name;
    final int line;

    Mode mode = Mode.TCP;
    Balance balance = Balance.ROUNDROBIN;
    /** 0 when not set: the global maxconn applies. */
    int maxconn;
    final long[] timeouts = new long[TimeoutKind.values().length];
    /** Keyword name to the line that set the value, including lines of the defaults section inherited from. */
    final Map<String, Integer> origins = new HashMap<>();
    /** Keyword name to the line that used it in this very section. */
    final Map<String, Integer> seen = new HashMap<>();

    final List<InetSocketAddress> binds = new ArrayList<>();
    String defaultBackend;
    final List<ServerConfig> servers = new ArrayList<>();

    /** {@code acl} lines, in file order; a condition may name only the ones above it. */
    final List<AclSpec> acls = new ArrayList<>();
    final List<HttpRequestRule> httpRequestRules = new ArrayList<>();
    final List<UseBackend> useBackends = new ArrayList<>();
    boolean forwardFor;
    boolean httpClose;
    HttpReuse httpReuse = HttpReuse.SAFE;
    boolean smartConnect;
    /** {@code max-body-size} in bytes; 0 when not set: no limit. */
    long maxBodySize;

    ProxySection(Kind kind, String name, int line) {
        this.kind = kind;
        this.name = name;
        this.line = line;
    }

    /** A new section of that kind that inherits every value of this defaults section. */
    ProxySection inherit(Kind newKind, String newName, int newLine) {
        ProxySection section = new ProxySection(newKind, newName, newLine);
        section.mode = mode;
        section.balance = balance;
        section.maxconn = maxconn;
        section.defaultBackend = defaultBackend;
        section.forwardFor = forwardFor;
        section.httpClose = httpClose;
        section.httpReuse = httpReuse;
        section.smartConnect = smartConnect;
        section.maxBodySize = maxBodySize;
        System.arraycopy(timeouts, 0, section.timeouts, 0, timeouts.length);
        section.origins.putAll(origins);
        return section;
    }

    /** Every {@code acl} line of that name declared so far, in file order. */
    List<AclSpec> aclsNamed(String aclName) {
        return acls.stream().filter(acl -> acl.name().equals(aclName)).toList();
    }

    /** Where a value came from: the line that set it, else this section's header. */
    int lineOf(String keyword) {
        return origins.getOrDefault(keyword, line);
    }

    /** "frontend 'web'", for messages. */
    String describe() {
        return kind.word + " '" + name + "'";
    }

    FrontendConfig toFrontend(int globalMaxconn) {
        return new FrontendConfig(name, binds, mode, defaultBackend, maxconn == 0 ? globalMaxconn : maxconn,
                TimeoutKind.toTimeouts(timeouts), acls, httpRequestRules, useBackends, forwardFor, httpClose, maxBodySize, line);
    }

    BackendConfig toBackend() {
        return new BackendConfig(name, mode, balance, servers, TimeoutKind.toTimeouts(timeouts), acls, httpRequestRules,
                forwardFor, httpClose, httpReuse, smartConnect, maxBodySize, line);
    }
}
