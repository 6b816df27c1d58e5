package dev.sluice.config;

import dev.sluice.log.Captures;
import dev.sluice.log.LogConfigException;
import dev.sluice.log.LogFormat;
import dev.sluice.log.LogMode;
import dev.sluice.log.LogOption;
import dev.sluice.log.LogTarget;
import dev.sluice.log.SyslogIdentity;
import java.util.List;

/**
 * The logging keywords, with HAProxy's meanings: {@code log} (global and proxies,
 * {@code log global}, {@code no log}), {@code log-tag}, {@code log-send-hostname},
 * {@code log-format}, {@code option httplog [clf]}, {@code option tcplog},
 * {@code option dontlognull}, {@code option dontlog-normal} and
 * {@code option log-separate-errors}. The targets and formats themselves are
 * parsed by {@code dev.sluice.log}; docs/logging.md describes them.
 *
 * <p>Stateless; the directives run on the parser's thread.
 */
final class LogKeywords {
    /**
     * The {@code %[...]} expressions of a {@code log-format}: Sluice's sample
     * expressions ({@link dev.sluice.http.Sample}) that read the connection
     * and its variables. A line is written after the request head left the
     * buffer, so a fetch of the head is refused, with the ways to keep it.
     */
    static final dev.sluice.log.LogSample.Compiler SAMPLES = expression -> {
        dev.sluice.http.Sample sample;
        try {
            sample = dev.sluice.http.Sample.parse(expression);
        } catch (IllegalArgumentException e) {
            throw new LogConfigException("log-format: " + e.getMessage());
        }
        if (sample.readsRequest()) {
            throw new LogConfigException("log-format: '%[" + expression + "]' reads the request head, which is gone"
                    + " when the line is written; keep it with 'capture request header NAME len N' and write %hr, or"
                    + " with 'http-request set-var(txn.NAME) EXPR' and write %[var(txn.NAME)]");
        }
        return (context, out, at) -> context instanceof dev.sluice.http.ConnectionAddresses c
                ? sample.render(null, c, out, at) : at;
    };

    private LogKeywords() {
    }

    static void register(KeywordRegistry keywords) {
        keywords.global()
                .add(new Keyword<>("log", "<target> [len <length>] [format <format>] <facility> [<level>"
                        + " [<minlevel>]]", 1, Integer.MAX_VALUE, Keyword.Repeat.EACH_LINE, Support.IMPLEMENTED,
                        LogKeywords::globalLog));
        keywords.global()
                .single("log-tag", "<string>", (g, use) -> g.log.tag = use.arg(0))
                .add(new Keyword<>("log-send-hostname", "[<string>]", 0, 1, Keyword.Repeat.LAST_WINS,
                        Support.IMPLEMENTED, (g, use) -> g.log.hostname = use.args().isEmpty()
                                ? SyslogIdentity.systemHostname() : use.arg(0)));
        keywords.proxies(Placement.EVERY_PROXY)
                .add(new Keyword<>("log", "global | <target> [len <length>] [format <format>] <facility> [<level>"
                        + " [<minlevel>]]", 1, Integer.MAX_VALUE, Keyword.Repeat.EACH_LINE, Support.IMPLEMENTED,
                        LogKeywords::proxyLog, (p, use) -> p.log.lines.clear()));
        keywords.proxies(Placement.EVERY_PROXY).single("log-tag", "<string>", (p, use) -> p.log.tag = use.arg(0));
        keywords.proxies(Placement.FRONTEND_AND_DEFAULTS)
                .variadic("log-format", "<string>", LogKeywords::logFormat)
                .add(new Keyword<>("option httplog", "[clf]", 0, 1, Keyword.Repeat.LAST_WINS, Support.IMPLEMENTED,
                        LogKeywords::httplog));
        keywords.proxies(Placement.FRONTEND_AND_DEFAULTS)
                .flag("option tcplog", (p, use) -> choose(p, use, LogSettings.Choice.TCPLOG, null))
                .option("option dontlognull", (p, use) -> p.log.options.add(LogOption.DONTLOGNULL),
                        (p, use) -> p.log.options.remove(LogOption.DONTLOGNULL))
                .option("option dontlog-normal", (p, use) -> p.log.options.add(LogOption.DONTLOG_NORMAL),
                        (p, use) -> p.log.options.remove(LogOption.DONTLOG_NORMAL))
                .option("option log-separate-errors", (p, use) -> p.log.options.add(LogOption.LOG_SEPARATE_ERRORS),
                        (p, use) -> p.log.options.remove(LogOption.LOG_SEPARATE_ERRORS));
        keywords.proxies(Placement.FRONTEND).add(new Keyword<ProxySection>("capture request header",
                "<name> len <length>", 3, 3, Keyword.Repeat.EACH_LINE, Support.IMPLEMENTED,
                (p, use) -> capture(p.log.requestCaptures, p.log.requestCaptureLengths, use)));
        keywords.proxies(Placement.FRONTEND).add(new Keyword<ProxySection>("capture response header",
                "<name> len <length>", 3, 3, Keyword.Repeat.EACH_LINE, Support.IMPLEMENTED,
                (p, use) -> capture(p.log.responseCaptures, p.log.responseCaptureLengths, use)));
    }

    /** {@code capture request|response header NAME len N}: the value's first N bytes, for %hr or %hs. */
    private static void capture(List<String> names, List<Integer> lengths, Invocation use) throws ConfigException {
        if (!use.arg(1).equals("len")) {
            throw use.error("expected 'len <length>' after the header name, got '" + use.arg(1) + "'");
        }
        String name = use.arg(0);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                throw use.error("'" + name + "' is not a header name");
            }
        }
        names.add(name);
        lengths.add(use.number(use.arg(2), 1, Captures.MAX_LENGTH));
    }

    private static void globalLog(GlobalSection global, Invocation use) throws ConfigException {
        if (use.arg(0).equals("global")) {
            throw use.error("'log global' belongs in a defaults, frontend, listen or backend section; in global,"
                    + " give the target itself");
        }
        global.log.targets.add(target(use, use.args()));
    }

    private static void proxyLog(ProxySection section, Invocation use) throws ConfigException {
        if (use.arg(0).equals("global")) {
            if (use.args().size() > 1) {
                throw use.error("'log global' takes no other argument, got '" + use.arg(1) + "'");
            }
            section.log.lines.addGlobal();
        } else {
            section.log.lines.add(target(use, use.args()));
        }
    }

    private static LogTarget target(Invocation use, List<String> words) throws ConfigException {
        try {
            return LogTarget.parse(words);
        } catch (LogConfigException e) {
            throw new ConfigException(use.file(), use.line(), e.getMessage());
        }
    }

    private static void logFormat(ProxySection section, Invocation use) throws ConfigException {
        if (use.args().size() != 1) {
            throw use.error("expects one argument, got " + use.args().size() + "; quote the format or escape its"
                    + " spaces: log-format \"%ci:%cp [%t] ...\"");
        }
        // The syntax is checked here, at the line; the variables against the section's mode once the mode
        // is known (LogSettings.build), since mode may come later or from defaults.
        try {
            LogFormat.compile(use.arg(0), LogMode.HTTP, SAMPLES);
        } catch (LogConfigException e) {
            throw new ConfigException(use.file(), use.line(), e.getMessage());
        }
        choose(section, use, LogSettings.Choice.CUSTOM, use.arg(0));
    }

    private static void httplog(ProxySection section, Invocation use) throws ConfigException {
        if (use.args().isEmpty()) {
            choose(section, use, LogSettings.Choice.HTTPLOG, null);
        } else if (use.arg(0).equals("clf")) {
            choose(section, use, LogSettings.Choice.HTTPLOG_CLF, null);
        } else {
            throw use.error("expected nothing or 'clf', got '" + use.arg(0) + "'");
        }
    }

    /** {@code log-format}, {@code option httplog} and {@code option tcplog} replace one another: the last one wins. */
    private static void choose(ProxySection section, Invocation use, LogSettings.Choice choice, String custom) {
        section.log.choice = choice;
        section.log.custom = custom;
        section.log.choiceLine = use.line();
    }

    /**
     * After the records are built: a {@code log-format} whose variables the
     * frontend's mode does not have is refused at its line, and {@code option
     * httplog} in mode tcp falls back to {@code option tcplog} with HAProxy's warning.
     */
    static void check(List<ProxySection> frontends, Diagnostics diagnostics) {
        for (ProxySection frontend : frontends) {
            LogSettings log = frontend.log;
            if (log.formatError != null) {
                diagnostics.error(log.formatError);
            }
            if (log.httplogFellBack) {
                diagnostics.warn(log.choiceLine, "'option httplog' not usable with " + frontend.describe()
                        + " (needs 'mode http'); falling back to 'option tcplog', as HAProxy does");
            }
        }
    }
}
