package dev.sluice.config;

import dev.sluice.http.Acl;
import dev.sluice.http.Condition;
import dev.sluice.http.HeaderRule;
import dev.sluice.http.HttpRules;
import dev.sluice.http.RedirectRule;
import dev.sluice.http.ReplaceRule;
import dev.sluice.http.ResponseEdit;
import dev.sluice.http.RequestEdit;
import dev.sluice.http.StartLineRule;
import dev.sluice.http.ReturnRule;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the rule records of a frontend or backend into the evaluators of
 * {@link dev.sluice.http}. The parser compiles every rule once as it reads it,
 * so that whatever the evaluators refuse is reported with its line; a validated
 * configuration therefore always compiles.
 *
 * <p>Stateless; safe from any thread.
 */
final class RuleCompiler {
    private RuleCompiler() {
    }

    static HttpRules frontend(FrontendConfig frontend) {
        HttpRules.Builder rules = HttpRules.builder();
        requestRules(rules, frontend.http().httpRequestRules(), frontend.http().errorFiles());
        frontend.http().httpResponseRules().forEach(r -> rules.responseHeaderRule(responseEdit(r)));
        for (UseBackend use : frontend.routing().useBackends()) {
            rules.useBackend(use.backend(), condition(use.condition()));
        }
        if (frontend.defaultBackend() != null) {
            rules.defaultBackend(frontend.defaultBackend());
        }
        return rules.build();
    }

    static dev.sluice.http.TcpRequestRules tcpRequestRules(List<TcpRequestRule> list) {
        dev.sluice.http.TcpRequestRules.Builder rules = dev.sluice.http.TcpRequestRules.builder();
        for (TcpRequestRule rule : list) {
            if (rule.action() == TcpRequestRule.Action.TRACK) {
                rules.track(rule.phase() == TcpRequestRule.Phase.CONNECTION
                        ? dev.sluice.http.TcpRequestRules.Phase.CONNECTION
                        : dev.sluice.http.TcpRequestRules.Phase.CONTENT, rule.counter(), rule.table(),
                        condition(rule.condition()));
                continue;
            }
            rules.rule(rule.phase() == TcpRequestRule.Phase.CONNECTION ? dev.sluice.http.TcpRequestRules.Phase.CONNECTION
                    : dev.sluice.http.TcpRequestRules.Phase.CONTENT, rule.action() == TcpRequestRule.Action.ACCEPT,
                    condition(rule.condition()));
        }
        return rules.build();
    }

    static HttpRules none() {
        return HttpRules.NONE;
    }

    static HttpRules backend(BackendConfig backend) {
        HttpRules.Builder rules = HttpRules.builder();
        requestRules(rules, backend.http().httpRequestRules(), backend.http().errorFiles());
        backend.http().httpResponseRules().forEach(r -> rules.responseHeaderRule(responseEdit(r)));
        persistence(rules, backend);
        return rules.build();
    }

    /**
     * A listen section's backend half: its rules ran as the frontend's, but its
     * persistence cookie and its stick rules are its own.
     */
    static HttpRules persistenceOnly(BackendConfig backend) {
        if (backend.http().cookie() == null && backend.routing().stickRules().isEmpty()
                || backend.mode() != Mode.HTTP) {
            return HttpRules.NONE;
        }
        HttpRules.Builder rules = HttpRules.builder();
        persistence(rules, backend);
        return rules.build();
    }

    /** The backend's {@code stick} rules, compiled, in file order. */
    static dev.sluice.http.StickRules stickRules(BackendConfig backend) {
        return dev.sluice.http.StickRules.of(backend.routing().stickRules().stream().map(RuleCompiler::stickRule)
                .toList());
    }

    static dev.sluice.http.StickRule stickRule(StickRuleSpec rule) {
        return dev.sluice.http.StickRule.of(rule.kind(), rule.source(), rule.name(), rule.table(),
                condition(rule.condition()));
    }

    /** The backend's {@code cookie} line, compiled with its servers' values, and its stick rules (mode http only). */
    private static void persistence(HttpRules.Builder rules, BackendConfig backend) {
        rules.stickRules(stickRules(backend));
        CookieKeywords.CookieLine cookie = backend.http().cookie();
        if (cookie != null && backend.mode() == Mode.HTTP) {
            List<String> values = backend.servers().stream().map(ServerConfig::cookie)
                    .filter(java.util.Objects::nonNull).distinct().toList();
            rules.persistCookie(dev.sluice.http.PersistCookie.compile(cookie.name(), cookie.options(), values));
        }
    }

    /**
     * The {@code http-request} rules in file order, then the {@code redirect}
     * lines, as HAProxy runs them; and the section's error pages. A deny whose
     * status has an {@code errorfile} answers with that page, as in HAProxy.
     */
    private static void requestRules(HttpRules.Builder rules, List<HttpRequestRule> list, List<ErrorFile> errorFiles) {
        ReturnRule[] pages = new ReturnRule[600];
        for (ErrorFile e : errorFiles) {
            pages[e.code()] = ReturnRule.page(e.bytes());
            rules.errorPage(e.code(), pages[e.code()]);
        }
        for (boolean redirectKeyword : new boolean[] {false, true}) {
            for (HttpRequestRule rule : list) {
                boolean keyword = rule.redirect() != null && rule.redirect().fromRedirectKeyword();
                if (keyword != redirectKeyword) {
                    continue;
                }
                Condition condition = condition(rule.condition());
                switch (rule.action()) {
                    case DENY -> {
                        ReturnRule page = pages[rule.response().status()];
                        rules.returnRule(page != null ? page : response(rule), condition);
                    }
                    case RETURN, REDIRECT -> rules.returnRule(response(rule), condition);
                    default -> rules.headerRule(requestEdit(rule), condition);
                }
            }
        }
    }

    /** Compiles the action of a rule and drops it: throws what the evaluators refuse. */
    static void check(HttpRequestRule rule) {
        switch (rule.action()) {
            case RETURN, DENY, REDIRECT -> response(rule);
            default -> requestEdit(rule);
        }
    }

    private static RequestEdit requestEdit(HttpRequestRule rule) {
        return switch (rule.action()) {
            case SET_METHOD -> StartLineRule.set(StartLineRule.Part.METHOD, rule.value());
            case SET_URI -> StartLineRule.set(StartLineRule.Part.URI, rule.value());
            case SET_PATH -> StartLineRule.set(StartLineRule.Part.PATH, rule.value());
            case SET_QUERY -> StartLineRule.set(StartLineRule.Part.QUERY, rule.value());
            case TRACK -> dev.sluice.http.TrackRule.of(rule.counter(), rule.value(), rule.header());
            case REPLACE_HEADER, REPLACE_VALUE, REPLACE_PATH, REPLACE_PATHQ, REPLACE_URI -> replaceRule(rule);
            case SET_VAR -> dev.sluice.http.VarRule.set(rule.header(), dev.sluice.http.Sample.parse(rule.value()));
            case UNSET_VAR -> dev.sluice.http.VarRule.unset(rule.header());
            default -> headerRule(rule);
        };
    }

    /** An {@code http-response} rule: a header rule or a {@code replace-header}/{@code replace-value}. */
    static ResponseEdit responseEdit(HttpRequestRule rule) {
        if (rule.action() == HttpRequestRule.Action.REPLACE_HEADER
                || rule.action() == HttpRequestRule.Action.REPLACE_VALUE) {
            return replaceRule(rule);
        }
        HeaderRule header = headerRule(rule);
        if (header.readsRequest()) {
            throw new IllegalArgumentException("'" + rule.value() + "': a response's rules cannot read the request"
                    + " head, which went out before the response came; keep what they need with 'http-request"
                    + " set-var(txn.NAME) EXPR' and write %[var(txn.NAME)]");
        }
        return header;
    }

    private static ReplaceRule replaceRule(HttpRequestRule rule) {
        ReplaceRule.Part part = switch (rule.action()) {
            case REPLACE_HEADER -> ReplaceRule.Part.HEADER;
            case REPLACE_VALUE -> ReplaceRule.Part.VALUE;
            case REPLACE_PATH -> ReplaceRule.Part.PATH;
            case REPLACE_PATHQ -> ReplaceRule.Part.PATHQ;
            case REPLACE_URI -> ReplaceRule.Part.URI;
            default -> throw new IllegalArgumentException(rule.action() + " is not a replace rule");
        };
        return ReplaceRule.compile(part, rule.header(), rule.regex(), rule.value());
    }

    private static HeaderRule headerRule(HttpRequestRule rule) {
        return switch (rule.action()) {
            case SET_HEADER -> HeaderRule.formatted(false, rule.header(), rule.value());
            case ADD_HEADER -> HeaderRule.formatted(true, rule.header(), rule.value());
            case DEL_HEADER -> HeaderRule.delete(rule.header());
            default -> throw new IllegalArgumentException(rule.action() + " is not a header rule");
        };
    }

    static ReturnRule response(HttpRequestRule rule) {
        if (rule.action() == HttpRequestRule.Action.REDIRECT) {
            HttpRequestRule.Redirect r = rule.redirect();
            return ReturnRule.redirect(RedirectRule.of(r.kind(), r.value(), r.code(), r.options()));
        }
        HttpRequestRule.Response r = rule.response();
        return rule.action() == HttpRequestRule.Action.DENY ? ReturnRule.deny(r.status())
                : ReturnRule.of(r.status(), r.contentType(), r.body(), r.fields());
    }

    static Condition condition(ConditionSpec spec) {
        if (spec == null) {
            return Condition.always();
        }
        Condition.Builder condition = new Condition.Builder();
        for (int i = 0; i < spec.alternatives().size(); i++) {
            if (i > 0) {
                condition.or();
            }
            for (ConditionSpec.Term term : spec.alternatives().get(i)) {
                List<Acl> acls = new ArrayList<>();
                for (AclSpec acl : term.acls()) {
                    acls.add(acl(acl));
                }
                condition.term(term.negated(), acls);
            }
        }
        return condition.build(spec.unless());
    }

    static Acl acl(AclSpec spec) {
        return Acl.compile(spec.fetch(), spec.header(), spec.match(), spec.ignoreCase(), spec.values());
    }
}
