package dev.sluice.session;

import dev.sluice.buffer.BufferPool;
import dev.sluice.http.Condition;
import dev.sluice.http.HttpRequestView;
import dev.sluice.http.Method;
import dev.sluice.http.ReturnRule;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a frontend answers itself before, or instead of, a backend: its
 * {@code monitor-uri} (200, or 503 while {@code monitor fail} holds), its
 * {@code http-request use-service} rules, and its stats page at
 * {@code stats uri}; and each loop's {@link AppletArena} their answers go
 * through.
 *
 * <p>The monitor URI is tested first, before any rule, as HAProxy does. The
 * {@code use-service} rules come before the section's other
 * {@code http-request} rules (the configuration refuses one written after
 * them, so that the file's order is the order they run in); the stats page
 * comes after the rules, as in HAProxy.
 *
 * <p>Immutable once built; the arenas are set once, before the first session.
 */
public final class FrontendServices {
    /** A frontend without services. */
    public static final FrontendServices NONE = new FrontendServices(null, List.of(), List.of(), null, null, false,
            List.of());

    private static final ReturnRule MONITOR_OK = ReturnRule.of(200, "text/html",
            "<html><body><h1>200 OK</h1>\nSluice is ready.\n</body></html>\n".getBytes(StandardCharsets.US_ASCII),
            List.of());
    private static final ReturnRule MONITOR_FAILED = ReturnRule.of(503, "text/html",
            "<html><body><h1>503 Service Unavailable</h1>\nmonitor fail holds.\n</body></html>\n"
                    .getBytes(StandardCharsets.US_ASCII), List.of());

    /** One {@code http-request use-service NAME [if|unless COND]}. */
    public record ServiceRule(Applet applet, Condition condition) {
    }

    private final byte[] monitorUri;
    private final Condition[] monitorFail;
    private final ServiceRule[] rules;
    private final byte[] statsUri;
    private final Applet stats;
    private final boolean servesItself;
    /** The {@code stats admin} conditions: a request any of them admits may change servers from the page. */
    private final Condition[] statsAdmin;
    private AppletArena[] arenas = new AppletArena[0];

    /**
     * @param monitorUri  {@code monitor-uri}, or null
     * @param monitorFail the {@code monitor fail if|unless COND} lines: the URI answers 503 while any holds
     * @param statsUri    {@code stats uri} (the page's path prefix) when the stats page is on, else null
     * @param servesItself no request of the frontend can reach a server: its heads are read from the arena
     * @param statsAdmin   the {@code stats admin} conditions
     */
    public FrontendServices(String monitorUri, List<Condition> monitorFail, List<ServiceRule> rules, String statsUri,
                            Applet stats, boolean servesItself, List<Condition> statsAdmin) {
        this.monitorUri = monitorUri == null ? null : monitorUri.getBytes(StandardCharsets.ISO_8859_1);
        this.monitorFail = monitorFail.toArray(new Condition[0]);
        this.rules = new ArrayList<>(rules).toArray(new ServiceRule[0]);
        this.statsUri = statsUri == null ? null : statsUri.getBytes(StandardCharsets.ISO_8859_1);
        this.stats = stats;
        this.servesItself = servesItself;
        this.statsAdmin = statsAdmin.toArray(new Condition[0]);
    }

    /** Whether a {@code stats admin} condition admits the request. */
    boolean statsAdmin(HttpRequestView request) {
        for (Condition c : statsAdmin) {
            if (c.test(request)) {
                return true;
            }
        }
        return false;
    }

    /** Whether any request may get an applet's answer (the loops then carve an applet arena). */
    public boolean any() {
        return rules.length > 0 || stats != null;
    }

    /** The loops' arenas, by loop id; set once at start-up, before the first session. */
    public FrontendServices withArenas(AppletArena[] perLoop) {
        this.arenas = perLoop.clone();
        return this;
    }

    /** The applet arena of loop {@code id}, or null when the frontend has no applet. */
    AppletArena arena(int id) {
        return any() && id < arenas.length ? arenas[id] : null;
    }

    /** The pool the frontend's sessions read their requests into on loop {@code id}. */
    BufferPool requestPool(int id, BufferPool loopPool) {
        AppletArena a = arena(id);
        return servesItself && a != null ? a.pool() : loopPool;
    }

    /** The monitor URI's answer for this request, or null when it does not ask for the monitor URI. */
    ReturnRule monitor(HttpRequestView request) {
        if (monitorUri == null || !targetIs(request, monitorUri, false)) {
            return null;
        }
        for (Condition c : monitorFail) {
            if (c.test(request)) {
                return MONITOR_FAILED;
            }
        }
        return MONITOR_OK;
    }

    /** The first {@code use-service} whose condition holds, or null. */
    Applet service(HttpRequestView request) {
        for (ServiceRule r : rules) {
            if (r.condition().test(request)) {
                return r.applet();
            }
        }
        return null;
    }

    /**
     * The stats page when the request's path starts with {@code stats uri}
     * and its method is one the page takes (GET, HEAD, or POST for its
     * forms), or null: another method goes on to the backend, as in HAProxy.
     */
    Applet statsPage(HttpRequestView request) {
        return stats != null && targetIs(request, statsUri, true) && pageMethod(request) ? stats : null;
    }

    private static boolean pageMethod(HttpRequestView r) {
        Method m = Method.of(r.buffer(), r.methodStart(), r.methodEnd());
        return m == Method.GET || m == Method.HEAD || m == Method.POST;
    }

    /** Whether the request's path is {@code uri} (or, with {@code prefix}, the whole target begins with it). */
    private static boolean targetIs(HttpRequestView r, byte[] uri, boolean prefix) {
        int start = r.targetStart();
        int end = r.targetEnd();
        int pathEnd = start;
        while (pathEnd < end && (prefix || r.buffer().get(pathEnd) != '?')) {
            pathEnd++;
        }
        int length = pathEnd - start;
        if (length < uri.length || !prefix && length != uri.length) {
            return false;
        }
        for (int i = 0; i < uri.length; i++) {
            if (r.buffer().get(start + i) != uri[i]) {
                return false;
            }
        }
        return true;
    }
}
