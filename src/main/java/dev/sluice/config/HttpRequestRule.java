package dev.sluice.config;

import dev.sluice.http.RedirectRule;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code http-request} line of a frontend or backend, or a {@code redirect} line.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param action what the rule does
 * @param header the header name of {@code set-header}, {@code add-header} and {@code del-header}, the variable of
 *     {@code set-var} and {@code unset-var}, else null
 * @param value the value of {@code set-header}, {@code add-header} (in log-format syntax: {@code %[...]} and
 *     {@code %%}), the expression of {@code set-var}, and the value of the start-line rules
 *     ({@code set-method}, {@code set-uri}, {@code set-path}, {@code set-query}), else null
 * @param response the answer of {@code return} and {@code deny}, else null
 * @param condition null when the line has none: the rule applies to every request
 * @param line the line of the rule
 * @param redirect what a {@code redirect} or {@code http-request redirect} answers, else null
 * @param counter the sticky counter of {@code track-scN} (its {@code header} is the key's header name, null for
 *     {@code src}; its {@code value} the table's section), else 0
 * @param regex the pattern of the {@code replace-*} actions (whose {@code value} is the replacement), else null
 */
public record HttpRequestRule(Action action, String header, String value, Response response,
        ConditionSpec condition, int line, Redirect redirect, int counter, String regex) {
    /** A rule that is not a redirect. */
    public HttpRequestRule(Action action, String header, String value, Response response, ConditionSpec condition,
            int line) {
        this(action, header, value, response, condition, line, null, 0, null);
    }

    /** A rule that tracks no counter and is not a {@code replace-*} action. */
    public HttpRequestRule(Action action, String header, String value, Response response, ConditionSpec condition,
            int line, Redirect redirect) {
        this(action, header, value, response, condition, line, redirect, 0, null);
    }

    /**
     * What a redirect answers.
     *
     * @param kind {@code location}, {@code prefix} or {@code scheme}
     * @param fromRedirectKeyword written as {@code redirect ...}, which runs after the {@code http-request} rules
     */
    public record Redirect(RedirectRule.Kind kind, String value, int code, RedirectRule.Options options,
            boolean fromRedirectKeyword) {
    }

    /** The keyword the rule was written with, as messages name it. */
    public String keyword() {
        if (action == Action.TRACK) {
            return "http-request track-sc" + counter;
        }
        if (action == Action.SET_VAR || action == Action.UNSET_VAR) {
            return "http-request " + action.keyword() + "(" + header + ")";
        }
        return redirect != null && redirect.fromRedirectKeyword() ? "redirect" : "http-request " + action.keyword();
    }

    /** The {@code http-request} actions Sluice implements. */
    public enum Action {
        SET_HEADER("set-header"), ADD_HEADER("add-header"), DEL_HEADER("del-header"), RETURN("return"), DENY("deny"),
        REDIRECT("redirect"), SET_METHOD("set-method"), SET_URI("set-uri"), SET_PATH("set-path"),
        SET_QUERY("set-query"), TRACK("track-sc"), REPLACE_HEADER("replace-header"), REPLACE_VALUE("replace-value"),
        REPLACE_PATH("replace-path"), REPLACE_PATHQ("replace-pathq"), REPLACE_URI("replace-uri"),
        SET_VAR("set-var"), UNSET_VAR("unset-var");

        private final String keyword;

        Action(String keyword) {
            this.keyword = keyword;
        }

        /** The word after {@code http-request}. */
        public String keyword() {
            return keyword;
        }
    }

    public HttpRequestRule {
        Objects.requireNonNull(action, "action");
    }

    /**
     * What {@code return} or {@code deny} answers.
     *
     * @param contentType null when none was given
     * @param body the payload (read from its file when the configuration was loaded), or null for none
     * @param fields the {@code hdr NAME VALUE} fields, in order
     */
    public record Response(int status, String contentType, byte[] body, List<Map.Entry<String, String>> fields) {
        public Response {
            body = body == null ? null : body.clone();
            fields = List.copyOf(fields);
        }

        /** The payload; a copy, since arrays cannot be made read-only. */
        @Override
        public byte[] body() {
            return body == null ? null : body.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r && status == r.status && Objects.equals(contentType, r.contentType)
                    && Arrays.equals(body, r.body) && fields.equals(r.fields);
        }

        @Override
        public int hashCode() {
            return Objects.hash(status, contentType, Arrays.hashCode(body), fields);
        }

        @Override
        public String toString() {
            return "Response[status=" + status + ", contentType=" + contentType + ", body="
                    + (body == null ? "none" : new String(body, StandardCharsets.UTF_8)) + ", fields=" + fields + "]";
        }
    }
}
