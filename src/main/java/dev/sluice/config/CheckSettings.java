package dev.sluice.config;

import dev.sluice.backend.CheckScripts;
import dev.sluice.backend.CheckStep;
import dev.sluice.backend.HealthCheckSpec;
import dev.sluice.backend.HttpCheckRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * The health check keywords' values in one proxy section while the file is
 * read ({@link CheckKeywords}): which check ({@code option httpchk},
 * {@code option tcp-check}, a protocol check, or the default TCP connect),
 * the {@code http-check} and {@code tcp-check} rules in file order,
 * {@code http-check disable-on-404}, {@code option log-health-checks} and
 * {@code timeout check}. {@link #build} makes the backend's {@link HealthCheckSpec}.
 *
 * <p>As in HAProxy, a proxy with no rules of its own runs the rules of its
 * defaults section; its first rule replaces them.
 *
 * <p>Not thread-safe: used by one parser.
 */
final class CheckSettings {
    /** Which check the section asks for; the last {@code option} of them wins, as in HAProxy. */
    enum Kind { TCP, HTTP, TCP_CHECK, SSL_HELLO, REDIS, SMTP, MYSQL, PGSQL }

    /** One {@code http-check} or {@code tcp-check} rule, with its line. */
    record Rule(CheckStep step, HttpSend send, int line) {
    }

    /** {@code http-check send}: what it overrides of the request {@code option httpchk} describes. */
    record HttpSend(String method, String uri, String version, List<HttpCheckRequest.Header> headers, String body) {
    }

    Kind kind = Kind.TCP;
    String httpMethod = HttpCheckRequest.DEFAULT_METHOD;
    String httpUri = HttpCheckRequest.DEFAULT_URI;
    String httpVersion = HttpCheckRequest.DEFAULT_VERSION;
    String smtpGreeting = "HELO localhost";
    String pgsqlUser;
    /** {@code option mysql-check user}: null for the handshake check alone. */
    String mysqlUser;
    List<Rule> httpRules = new ArrayList<>();
    List<Rule> tcpRules = new ArrayList<>();
    /** Whether the rule lists are still the defaults section's (the first rule of the section's own replaces them). */
    boolean httpRulesInherited;
    boolean tcpRulesInherited;
    boolean disableOn404;
    boolean logHealthChecks;
    long timeoutCheckMillis;

    void inherit(CheckSettings defaults) {
        kind = defaults.kind;
        httpMethod = defaults.httpMethod;
        httpUri = defaults.httpUri;
        httpVersion = defaults.httpVersion;
        smtpGreeting = defaults.smtpGreeting;
        pgsqlUser = defaults.pgsqlUser;
        mysqlUser = defaults.mysqlUser;
        httpRules = new ArrayList<>(defaults.httpRules);
        tcpRules = new ArrayList<>(defaults.tcpRules);
        httpRulesInherited = !httpRules.isEmpty();
        tcpRulesInherited = !tcpRules.isEmpty();
        disableOn404 = defaults.disableOn404;
        logHealthChecks = defaults.logHealthChecks;
        timeoutCheckMillis = defaults.timeoutCheckMillis;
    }

    void addHttpRule(Rule rule) {
        if (httpRulesInherited) {
            httpRules.clear();
            httpRulesInherited = false;
        }
        httpRules.add(rule);
    }

    void addTcpRule(Rule rule) {
        if (tcpRulesInherited) {
            tcpRules.clear();
            tcpRulesInherited = false;
        }
        tcpRules.add(rule);
    }

    /**
     * The backend's check script, with its timeouts.
     *
     * @param file for errors
     * @param timeoutConnectMillis the backend's {@code timeout connect}
     */
    HealthCheckSpec build(String file, long timeoutConnectMillis) throws ConfigException {
        HealthCheckSpec spec = switch (kind) {
            case TCP -> HealthCheckSpec.TCP_CONNECT;
            case HTTP -> http(file);
            case TCP_CHECK -> tcpCheck(file);
            case SSL_HELLO -> CheckScripts.sslHello();
            case REDIS -> CheckScripts.redis();
            case SMTP -> CheckScripts.smtp(smtpGreeting);
            case MYSQL -> mysqlUser == null ? CheckScripts.mysql() : CheckScripts.mysql(mysqlUser);
            case PGSQL -> CheckScripts.pgsql(pgsqlUser);
        };
        return spec.withTimeouts(timeoutCheckMillis, timeoutConnectMillis).withDisableOn404(disableOn404)
                .withLogHealthChecks(logHealthChecks);
    }

    /**
     * {@code option httpchk} with its {@code http-check} rules: a connect first
     * (implicit when the rules start otherwise), the request of {@code option
     * httpchk} when no {@code http-check send} gives one, and after the last
     * send an expect of a 2xx or 3xx status when no {@code http-check expect} follows.
     */
    private HealthCheckSpec http(String file) throws ConfigException {
        List<CheckStep> steps = new ArrayList<>();
        boolean sent = false;
        boolean expectedAfterLastSend = false;
        boolean anyConnect = httpRules.stream().anyMatch(r -> r.step() instanceof CheckStep.Connect);
        if (anyConnect && !(httpRules.get(0).step() instanceof CheckStep.Connect)) {
            throw new ConfigException(file, httpRules.get(0).line(), "the first http-check rule must be an"
                    + " 'http-check connect' when the rules hold one");
        }
        if (!anyConnect) {
            steps.add(CheckStep.Connect.DEFAULT);
        }
        for (Rule r : httpRules) {
            if (r.send() != null) {
                steps.add(new CheckStep.Send(request(r.send())));
                sent = true;
                expectedAfterLastSend = false;
            } else if (r.step() instanceof CheckStep.Expect e) {
                if (!sent) {
                    // An expect before any send reads the answer to option httpchk's request.
                    steps.add(new CheckStep.Send(request(null)));
                    sent = true;
                }
                steps.add(e);
                expectedAfterLastSend = true;
            } else {
                if (sent && !expectedAfterLastSend) {
                    steps.add(CheckStep.Expect.HTTP_2XX_3XX);
                }
                steps.add(r.step());
                sent = false;
                expectedAfterLastSend = false;
            }
        }
        if (!sent) {
            steps.add(new CheckStep.Send(request(null)));
        }
        if (!expectedAfterLastSend) {
            steps.add(CheckStep.Expect.HTTP_2XX_3XX);
        }
        return new HealthCheckSpec("httpchk", HealthCheckSpec.Protocol.HTTP, steps, false, 0, 0, false);
    }

    /** The request: {@code option httpchk}'s method, URI and version, overridden by an {@code http-check send}. */
    private byte[] request(HttpSend send) {
        if (send == null) {
            return HttpCheckRequest.build(httpMethod, httpUri, httpVersion, List.of(), null);
        }
        return HttpCheckRequest.build(send.method() != null ? send.method() : httpMethod,
                send.uri() != null ? send.uri() : httpUri, send.version() != null ? send.version() : httpVersion,
                send.headers(), send.body());
    }

    /** {@code option tcp-check} with its rules; without any, a connect. A connect, if any, must come first. */
    private HealthCheckSpec tcpCheck(String file) throws ConfigException {
        List<CheckStep> steps = new ArrayList<>();
        boolean anyConnect = tcpRules.stream().anyMatch(r -> r.step() instanceof CheckStep.Connect);
        if (anyConnect && !(tcpRules.get(0).step() instanceof CheckStep.Connect)) {
            throw new ConfigException(file, tcpRules.get(0).line(), "the first tcp-check rule must be a"
                    + " 'tcp-check connect' when the rules hold one");
        }
        if (!anyConnect) {
            steps.add(CheckStep.Connect.DEFAULT);
        }
        for (Rule r : tcpRules) {
            steps.add(r.step());
        }
        return new HealthCheckSpec("tcp-check", HealthCheckSpec.Protocol.TCP, steps, false, 0, 0, false);
    }
}
