package dev.sluice.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Why Sluice refuses a keyword that no table holds, and what to write instead,
 * for the keywords real files use most: directives HAProxy itself removed (with
 * HAProxy's replacement), process keywords that do not fit Sluice, and the
 * families whose support is still to come. Consulted only after the tables, so
 * a feature that registers one of these keywords simply takes precedence.
 *
 * <p>Immutable; safe from any thread.
 */
final class RefusedKeywords {
    /** Full keyword name ({@link KeywordNames}) to the reason, which follows "is not supported". */
    private static final Map<String, String> REASONS = reasons();
    /** First word of a family to the reason for any keyword of it the table above does not name. */
    private static final Map<String, String> FAMILIES = families();

    private static final Map<String, String> SERVER_OPTIONS = serverOptions();
    private static final Map<String, String> BIND_OPTIONS = bindOptions();

    private RefusedKeywords() {
    }

    /** The reason for this keyword (a full name), or null when Sluice has nothing more to say than "not supported". */
    static String reason(String fullName) {
        String name = fullName.startsWith("no ") ? fullName.substring(3) : fullName;
        String reason = REASONS.get(name);
        if (reason != null) {
            return reason;
        }
        int space = name.indexOf(' ');
        return FAMILIES.get(space < 0 ? name : name.substring(0, space));
    }

    /** Why a {@code server} or {@code bind} option ({@code table} names which) is refused, or null. */
    static String option(String table, String name) {
        return (table.equals("bind") ? BIND_OPTIONS : SERVER_OPTIONS).get(name);
    }

    /** Every keyword with a reason of its own, for the test that none of them is also in a table. */
    static List<String> names() {
        return List.copyOf(REASONS.keySet());
    }

    private static void removed(Map<String, String> reasons, String version, String replacement, String... names) {
        for (String name : names) {
            reasons.put(name, "HAProxy removed it in " + version + (replacement == null ? ""
                    : "; write " + replacement + " instead"));
        }
    }

    private static Map<String, String> reasons() {
        Map<String, String> r = new LinkedHashMap<>();
        removed(r, "2.1", "'timeout connect'", "contimeout");
        removed(r, "2.1", "'timeout client'", "clitimeout");
        removed(r, "2.1", "'timeout server'", "srvtimeout");
        removed(r, "2.1", "'http-request add-header'", "reqadd");
        removed(r, "2.1", "'http-request del-header'", "reqdel", "reqidel");
        removed(r, "2.1", "'http-request replace-header', 'http-request replace-path' or"
                + " 'http-request replace-uri'", "reqrep", "cliexp");
        removed(r, "2.1", "'http-request replace-header'", "reqirep");
        removed(r, "2.1", "'http-request deny'", "reqdeny", "reqideny", "block");
        removed(r, "2.1", "'http-request allow'", "reqallow", "reqiallow");
        removed(r, "2.1", "'http-request tarpit'", "reqtarpit", "reqitarpit");
        removed(r, "2.1", null, "reqpass", "reqipass");
        removed(r, "2.1", "'http-response add-header'", "rspadd");
        removed(r, "2.1", "'http-response del-header'", "rspdel", "rspidel");
        removed(r, "2.1", "'http-response replace-header'", "rsprep", "rspirep", "srvexp");
        removed(r, "2.1", "'http-response deny'", "rspdeny", "rspideny");
        removed(r, "2.1", "'option redispatch'", "redispatch", "redisp");
        removed(r, "2.0", "'option httpclose', or nothing", "option forceclose");
        removed(r, "2.1", null, "option http-tunnel");
        removed(r, "2.5", "'http-request set-dst' and 'http-request set-uri'", "option http_proxy");
        removed(r, "1.6", "'cookie' persistence or a 'stick-table'", "appsession");
        removed(r, "2.5", null, "grace");
        removed(r, "2.5", "'nbthread' (one event loop per thread)", "nbproc");
        removed(r, "2.5", null, "bind-process", "process");
        r.put("tune.chksize", "HAProxy no longer has it; 'tune.bufsize' sizes every buffer");
        r.put("cpu-map", "Sluice does not pin its event loop threads to CPUs; remove the line, or pin the whole"
                + " process with taskset or systemd's CPUAffinity");
        r.put("master-worker", "Sluice runs as one process and reloads in place (SIGHUP, SIGUSR2 or the stats"
                + " socket's 'reload'); a service manager restarts it if it dies");
        r.put("option httpslog", "Sluice has no TLS yet; use option httplog");
        r.put("http-response set-var", "a response's rules set no variable in Sluice; set it from the request"
                + " with 'http-request set-var(txn.NAME) EXPR'");
        r.put("http-response unset-var", "a response's rules set no variable in Sluice; use 'http-request"
                + " unset-var(NAME)'");
        r.put("stats http-request", "the stats page takes no rules of its own; write them as 'http-request' rules of"
                + " the section, which run before the page");
        r.put("option ldap-check", "write 'option tcp-check' with 'tcp-check send-binary' of an LDAP bind request"
                + " and 'tcp-check expect binary' of its successful answer");
        r.put("option spop-check", "write 'option tcp-check' with 'tcp-check send-binary' and 'tcp-check expect'");
        r.put("option external-check", "Sluice runs no external program; check the server with 'option httpchk'"
                + " or 'option tcp-check'");
        r.put("external-check", "Sluice runs no external program; check the server with 'option httpchk' or"
                + " 'option tcp-check'");
        r.put("hash-balance-factor", "Sluice's consistent hashing has no load bound; use 'balance leastconn' or"
                + " 'balance random' to spread load");
        r.put("server-state-base", "Sluice keeps no server state across restarts yet");
        r.put("load-server-state-from-file", "Sluice keeps no server state across restarts yet");
        r.put("option persist", "Sluice sends a request to the server its cookie names only while that server is UP or"
                + " drained; a cookie naming a DOWN server is ignored and the request balanced");
        r.put("force-persist", "Sluice applies the persistence cookie to every request of the backend; a condition on"
                + " it is not supported");
        r.put("ignore-persist", "Sluice applies the persistence cookie to every request of the backend; a condition on"
                + " it is not supported");
        r.put("stick store-response", "Sluice reads stick keys from the request only (src, req.hdr, req.cook,"
                + " url_param), so a key the server sets cannot be learnt; write 'stick store-request' (or 'stick on')"
                + " of the key the client sends back, as in 'stick on req.cook(NAME)'");
        r.put("errorloc", "Sluice answers its errors itself; redirecting them is not supported yet");
        return Map.copyOf(r);
    }

    private static Map<String, String> serverOptions() {
        Map<String, String> o = new LinkedHashMap<>();
        for (String agent : List.of("agent-check", "agent-port", "agent-inter", "agent-addr", "agent-send")) {
            o.put(agent, "Sluice runs no agent checks; check the server with 'check' and 'option httpchk' or"
                    + " 'option tcp-check'");
        }
        for (String live : List.of("observe", "on-error", "error-limit")) {
            o.put(live, "Sluice does not watch live traffic for errors; its health checks ('check') decide a"
                    + " server's state");
        }
        o.put("on-marked-down", "Sluice leaves the sessions of a server that goes DOWN to finish");
        o.put("on-marked-up", "Sluice leaves the sessions of backup servers alone when a server comes UP");
        o.put("track", "each server is checked on its own; give it 'check'");
        o.put("slowstart", "Sluice gives a server that comes UP its whole weight at once");
        o.put("check-alpn", "Sluice's health checks speak HTTP/1.1 and offer no ALPN; remove it");
        for (String force : List.of("force-sslv3", "force-tlsv10", "force-tlsv11", "force-tlsv12", "force-tlsv13")) {
            o.put(force, "write ssl-min-ver and ssl-max-ver");
        }
        o.put("proxy-v2-options", "Sluice sends no TLV extensions in its PROXY version 2 header; remove the option");
        o.put("resolve-prefer", "Sluice resolves host names once, when it reads the file");
        o.put("init-addr", "Sluice resolves host names once, when it reads the file");
        o.put("id", "Sluice numbers no servers; remove the option");
        return Map.copyOf(o);
    }

    private static Map<String, String> bindOptions() {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("npn", "NPN is obsolete and the JDK does not offer it; use alpn");
        o.put("no-tls-tickets", "the JDK's engine turns session tickets off for the whole process only");
        o.put("allow-0rtt", "Sluice accepts no TLS early data");
        o.put("prefer-client-ciphers", "write it in ssl-default-bind-options");
        o.put("process", "Sluice spreads every listener over all its event loops");
        o.put("thread", "Sluice spreads every listener over all its event loops");
        o.put("maxconn", "write maxconn in the frontend");
        o.put("transparent", "Sluice binds only addresses of the machine");
        o.put("proto", "Sluice speaks HTTP/1.1 and TCP only");
        return Map.copyOf(o);
    }

    private static Map<String, String> families() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("stats", "Sluice's stats keywords are socket and timeout in global, and enable, uri, refresh, auth,"
                + " realm, hide-version, show-node, show-desc, show-legends and scope in a proxy");
        f.put("http-check", "Sluice's http-check takes connect, send, expect, disable-on-404 and comment");
        f.put("tcp-check", "Sluice's tcp-check takes connect, send, send-binary, expect and comment");
        f.put("stick", "Sluice's stick rules are stick on, stick match and stick store-request");
        f.put("compression", "Sluice does not compress responses: let the origin compress them (nginx: gzip on)");
        f.put("http-response", "Sluice has no http-response rules yet");
        f.put("http-after-response", "Sluice has no http-after-response rules yet");
        f.put("tcp-response", "Sluice has no tcp-response rules yet");
        f.put("capture", "Sluice captures headers (capture request header NAME len N, capture response header"
                + " NAME len N) but no cookie: %CC and %CS log nothing; capture the whole header instead (capture"
                + " request header Cookie len N)");
        f.put("email-alert", "Sluice sends no email");
        return Map.copyOf(f);
    }
}
