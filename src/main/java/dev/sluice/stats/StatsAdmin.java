package dev.sluice.stats;

import dev.sluice.backend.Backend;
import dev.sluice.backend.HealthCheck;
import dev.sluice.backend.Server;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The stats page's admin forms ({@code stats admin if COND}): a POST of
 * {@code s=SERVER&...&action=ACTION&b=BACKEND} changes the named servers of
 * one backend, and the page then answers {@code 303 See Other} to itself with
 * {@code ;st=CODE}, so that a reload of the page in the browser does not post
 * the form again. The codes, the actions and what counts as changed are
 * HAProxy's, so that scripts written for its page work:
 *
 * <ul>
 * <li>{@code ready}, {@code drain}, {@code maint}: the administrative state,
 *     always applied;</li>
 * <li>{@code shutdown}: the sessions using the server are ended, on every loop;</li>
 * <li>{@code dhlth}, {@code ehlth}: the server's health check off or on;
 *     {@code hrunn}, {@code hnolb}, {@code hdown}: its health counter set to
 *     UP, UP but draining (NOLB), or DOWN. They apply only to a server with
 *     {@code check}: Sluice sets a server's health only through its check, so
 *     that nothing leaves an unchecked server DOWN with nothing to bring it
 *     back (HAProxy forces an unchecked server's state too);</li>
 * <li>{@code dagent}, {@code eagent}, {@code arunn}, {@code adown}: never
 *     apply, as Sluice has no agent checks (HAProxy applies them only to a
 *     server with one);</li>
 * <li>the old names {@code disable}, {@code enable}, {@code stop} and
 *     {@code start}: maintenance and drain on and off, counted only when they
 *     change something.</li>
 * </ul>
 *
 * <p>A server named twice is acted on twice; an unknown server counts as
 * named but unchanged, and a server the action does not apply to is not
 * counted: when no server counts the answer is {@code NONE}, when none
 * changed {@code ERRP}, when some did {@code PART}. {@code b} is the backend's name or {@code #N}, its
 * {@code iid} in the CSV.
 *
 * <p>Thread-safe: the server's state is changed under its backend's lock,
 * and a check's override and a shutdown are handed to the loops that own them.
 */
final class StatsAdmin {
    /** The outcome of a POST, as the {@code st} parameter of the page it is sent back to. */
    enum Status {
        DONE("Action processed successfully."),
        NONE("Nothing has changed."),
        PART("Action processed for some of the servers only."),
        ERRP("Action not processed: a server, backend or action in the form was not valid."),
        EXCD("Action not processed: the form must come whole with its request head, and fit in one buffer."),
        DENY("Action denied: this request may not change servers."),
        /** Never given by Sluice, whose page leaves other methods to the backend; shown if a URL names it. */
        IVAL("Invalid request: the page takes GET, HEAD and, for its forms, POST."),
        UNKN("Unexpected result.");

        final String message;

        Status(String message) {
            this.message = message;
        }

        /** The status a page's {@code ;st=} names, or {@link #UNKN}. */
        static Status named(String code) {
            for (Status s : values()) {
                if (s.name().equals(code)) {
                    return s;
                }
            }
            return UNKN;
        }
    }

    /** The actions a form may ask, by their names on the form. */
    static final List<String> ACTIONS = List.of("ready", "drain", "maint", "dhlth", "ehlth", "hrunn", "hnolb",
            "hdown", "dagent", "eagent", "arunn", "adown", "shutdown");

    /** The labels the form's menu gives them, in the same order. */
    static final List<String> LABELS = List.of("Set state to READY", "Set state to DRAIN", "Set state to MAINT",
            "Health: disable checks", "Health: enable checks", "Health: force UP", "Health: force NOLB",
            "Health: force DOWN", "Agent: disable checks", "Agent: enable checks", "Agent: force UP",
            "Agent: force DOWN", "Kill sessions");

    private StatsAdmin() {
    }

    /**
     * Applies the form {@code body} to the backends of {@code view}.
     *
     * @param scoped   whether {@code stats scope} limits the page: a backend out of scope is then refused as
     *                 DENY, whether it exists or not, so that its name is not disclosed
     * @param inScope  whether the page shows a proxy
     * @param shutdown ends the sessions using a server, on every loop
     */
    static Status apply(String body, ProcessView view, boolean scoped, Predicate<String> inScope,
                        Predicate<Server> shutdown) {
        String backendName = null;
        String action = null;
        List<String> servers = new ArrayList<>();
        for (String pair : body.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (key == null || value == null) {
                return Status.ERRP;
            }
            switch (key) {
                case "b" -> backendName = value;
                case "action" -> action = value;
                case "s" -> servers.add(value);
                default -> {
                }
            }
        }
        if (action != null && !ACTIONS.contains(action) && !List.of("disable", "enable", "stop", "start")
                .contains(action)) {
            return Status.ERRP;
        }
        Backend backend = null;
        if (backendName != null) {
            backend = backend(view, backendName);
            if (scoped && (backend == null || !inScope.test(backend.name()))) {
                return Status.DENY;
            }
            if (backend == null) {
                return Status.ERRP;
            }
        }
        if (backend == null || action == null || servers.isEmpty()) {
            return Status.NONE;
        }
        int named = 0;
        int altered = 0;
        for (String name : servers) {
            Server s = server(backend, name);
            Outcome o = s == null ? Outcome.FAILED : act(s, action, view, shutdown);
            if (o != Outcome.SKIPPED) {
                named++;
                altered += o == Outcome.CHANGED ? 1 : 0;
            }
        }
        return named == 0 ? Status.NONE : altered == 0 ? Status.ERRP : altered == named ? Status.DONE : Status.PART;
    }

    /**
     * What an action did to a server: changed it; found nothing to do (the
     * server has no check, or is already so: it does not count, as in
     * HAProxy); or could not (an unknown server, a loop's inbox full).
     */
    private enum Outcome {
        CHANGED, SKIPPED, FAILED;

        static Outcome of(boolean applies, boolean taken) {
            return !applies ? SKIPPED : taken ? CHANGED : FAILED;
        }
    }

    /** Applies {@code action} to {@code s}. */
    private static Outcome act(Server s, String action, ProcessView view, Predicate<Server> shutdown) {
        HealthCheck check = view.checks == null ? null : view.checks.of(s);
        boolean checked = check != null;
        switch (action) {
            case "ready" -> {
                s.setDrain(false);
                s.setMaintenance(false);
                return Outcome.CHANGED;
            }
            case "drain" -> {
                s.setMaintenance(false);
                s.setDrain(true);
                return Outcome.CHANGED;
            }
            case "maint" -> {
                s.setMaintenance(true);
                return Outcome.CHANGED;
            }
            case "shutdown" -> {
                return Outcome.of(true, shutdown.test(s));
            }
            case "dhlth" -> {
                return Outcome.of(checked, checked && check.force(HealthCheck.Forced.DISABLE));
            }
            case "ehlth" -> {
                return Outcome.of(checked, checked && check.force(HealthCheck.Forced.ENABLE));
            }
            case "hrunn" -> {
                return Outcome.of(checked, checked && check.force(HealthCheck.Forced.RUNNING));
            }
            case "hnolb" -> {
                return Outcome.of(checked, checked && check.force(HealthCheck.Forced.STOPPING));
            }
            case "hdown" -> {
                return Outcome.of(checked, checked && check.force(HealthCheck.Forced.STOPPED));
            }
            case "disable" -> {
                return changed(!s.inMaintenance(), () -> s.setMaintenance(true));
            }
            case "enable" -> {
                return changed(s.inMaintenance(), () -> s.setMaintenance(false));
            }
            case "stop" -> {
                return changed(!s.drained(), () -> s.setDrain(true));
            }
            case "start" -> {
                return changed(s.drained(), () -> s.setDrain(false));
            }
            default -> {
                // dagent, eagent, arunn, adown: Sluice has no agent checks, so they never apply.
                return Outcome.SKIPPED;
            }
        }
    }

    private static Outcome changed(boolean applies, Runnable change) {
        if (applies) {
            change.run();
        }
        return Outcome.of(applies, true);
    }

    /** The backend named {@code name}, or numbered {@code #N} as the CSV's {@code iid}; null if none. */
    private static Backend backend(ProcessView view, String name) {
        if (name.startsWith("#")) {
            int iid;
            try {
                iid = Integer.parseInt(name.substring(1));
            } catch (NumberFormatException e) {
                return null;
            }
            int at = iid - 1 - view.frontends.size();
            return at >= 0 && at < view.backends.size() ? view.backends.get(at) : null;
        }
        Backend found = null;
        for (Backend b : view.backends) {
            if (b.name().equals(name)) {
                if (found != null) {
                    return null; // ambiguous
                }
                found = b;
            }
        }
        return found;
    }

    private static Server server(Backend b, String name) {
        for (Server s : b.servers()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    /** A form field decoded ({@code +} is a space, {@code %XX} a byte, UTF-8), or null when malformed. */
    static String decode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+') {
                out.write(' ');
            } else if (c == '%') {
                if (i + 2 >= s.length()) {
                    return null;
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The value of {@code ;st=CODE} in the part of the target after the page's URI, or null. */
    static Status shown(String rest) {
        int at = rest.indexOf(";st=");
        if (at < 0) {
            return null;
        }
        int end = at + 4;
        while (end < rest.length() && Character.isLetter(rest.charAt(end))) {
            end++;
        }
        return Status.named(rest.substring(at + 4, end));
    }
}
