package dev.sluice.config;

import static dev.sluice.config.ConfigParserTest.assertRefused;
import static dev.sluice.config.ConfigParserTest.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.http.RedirectRule;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code redirect} and {@code http-request redirect}: what each line becomes, and every refusal with its line. */
class RedirectConfigTest {
    private static final String FRONTEND = "frontend f\n mode http\n bind :80\n";
    private static final String BACKENDS = "backend b\n mode http\n server s 127.0.0.1:1\n";

    private static List<HttpRequestRule> rules(String lines) throws ConfigException {
        return parse(FRONTEND + lines + "\n default_backend b\n" + BACKENDS).frontends().get(0).http()
                .httpRequestRules();
    }

    private static HttpRequestRule.Redirect redirect(String line) throws ConfigException {
        return rules(line).get(0).redirect();
    }

    @Test
    void theOptionsComeInAnyOrderAndTheCodeIs302ByDefault() throws ConfigException {
        assertEquals(new HttpRequestRule.Redirect(RedirectRule.Kind.PREFIX, "/", 301,
                new RedirectRule.Options(true, false, true, null, null), true),
                redirect(" redirect code 301 prefix / drop-query append-slash if { path_reg ^/a/[^/]*$ }"));
        assertEquals(new HttpRequestRule.Redirect(RedirectRule.Kind.SCHEME, "https", 302,
                RedirectRule.Options.NONE, true), redirect(" redirect scheme https"));
        assertEquals(new HttpRequestRule.Redirect(RedirectRule.Kind.LOCATION, "/x", 307,
                new RedirectRule.Options(false, true, false, null, "ID="), false),
                redirect(" http-request redirect location /x keep-query clear-cookie ID= code 307"));
    }

    @Test
    void aRedirectLineKeepsItsPercentSignsAndHttpRequestRedirectReadsLogFormatLiterals() throws ConfigException {
        assertEquals("/a%20b", redirect(" redirect location /a%20b").value());
        assertEquals("/a%20b", redirect(" http-request redirect location /a%%20b").value());
        assertRefused(FRONTEND + " http-request redirect location /%[path]\n default_backend b\n" + BACKENDS,
                "t.cfg:4: http-request redirect: '/%[path]': log-format expressions are not supported by Sluice"
                        + " (write %% for a percent sign)");
    }

    @Test
    void conditionsAreKept() throws ConfigException {
        List<HttpRequestRule> rules = rules(" redirect location /a if { path /x }\n"
                + " redirect location /b unless { path /y }\n redirect location /c\n");
        assertFalse(rules.get(0).condition().unless());
        assertTrue(rules.get(1).condition().unless());
        assertNull(rules.get(2).condition());
        assertEquals(HttpRequestRule.Action.REDIRECT, rules.get(2).action());
        assertEquals("redirect", rules.get(2).keyword());
    }

    @Test
    void aRedirectInABackendIsRead() throws ConfigException {
        Config c = parse(FRONTEND + " default_backend b\n" + BACKENDS + " redirect prefix https://x code 308\n");
        assertEquals(308, c.backends().get(0).http().httpRequestRules().get(0).redirect().code());
    }

    @Test
    void aRedirectNeedsModeHttpAndIsRefusedInDefaults() {
        assertRefused("frontend f\n bind :80\n redirect location /\n default_backend b\nbackend b\n"
                + " server s 127.0.0.1:1\n", "t.cfg:3: redirect needs mode http, but frontend 'f' is in mode tcp"
                + " (line 1)");
        assertRefused("defaults\n mode http\n redirect location /\n", "t.cfg:3: 'redirect' is not allowed in a"
                + " defaults section (it belongs in: frontend, listen, backend)");
    }

    @Test
    void aRedirectWhoseConstantPartDoesNotFitABufferIsRefused() {
        String text = "global\n tune.bufsize 1024\n tune.maxrewrite 500\n" + FRONTEND + " redirect location /"
                + "x".repeat(600) + "\n default_backend b\n" + BACKENDS;
        assertRefused(text, "t.cfg:7: redirect: the response takes 698 bytes with its status line and header"
                + " fields, more than the 524 that tune.bufsize - tune.maxrewrite leave for it");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '#', value = {
        "redirect code 301#redirect: a redirect needs location, prefix or scheme and its value",
        "redirect location#'redirect' takes at least 2 arguments (redirect location|prefix|scheme <value> [code"
            + " 301|302|303|307|308] [drop-query] [keep-query] [append-slash] [set-cookie NAME[=VALUE] |"
            + " clear-cookie NAME[=]] [if|unless <condition>]), got 1",
        "redirect location /a code#redirect: 'code' needs a value",
        "redirect location /a code 305#redirect: 'code 305': a redirect's code is 301, 302, 303, 307 or 308",
        "redirect location /a code 200#redirect: expected a whole number from 301 to 308, got '200'",
        "redirect location /a prefix /b#redirect: a redirect has one of location, prefix or scheme; 'prefix' comes"
            + " after 'location'",
        "redirect prefix /a keep-query#redirect: keep-query is for redirect location; prefix and scheme keep the"
            + " query unless drop-query",
        "redirect location /a set-cookie-fmt x#redirect: 'set-cookie-fmt': log-format expressions are not supported"
            + " by Sluice (use set-cookie NAME=VALUE)",
        "redirect location /a set-cookie 'a=1; Secure'#redirect: a redirect's cookie is NAME or NAME=VALUE, without"
            + " ';'",
        "redirect location /a nope#redirect: 'nope' is not supported by Sluice (supported: location, prefix, scheme,"
            + " code, drop-query, keep-query, append-slash, ignore-empty, set-cookie, clear-cookie)",
        "redirect location /a if nope#redirect: no ACL named 'nope' above this line in frontend 'f'",
        "http-request redirect prefix#'http-request redirect' takes at least 2 arguments (http-request redirect"
            + " location|prefix|scheme <value> [code 301|302|303|307|308] [drop-query] [keep-query] [append-slash]"
            + " [set-cookie NAME[=VALUE] | clear-cookie NAME[=]] [if|unless <condition>]), got 1",
    })
    void badRedirectLinesAreRefusedAtTheirLine(String line, String reason) {
        assertRefused(FRONTEND + " " + line + "\n default_backend b\n" + BACKENDS, "t.cfg:4: " + reason);
    }
}
