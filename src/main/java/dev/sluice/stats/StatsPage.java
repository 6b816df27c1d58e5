package dev.sluice.stats;

import dev.sluice.backend.Backend;
import dev.sluice.backend.HealthCheck;
import dev.sluice.backend.Server;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.Criticality;
import dev.sluice.session.Applet;
import dev.sluice.session.AppletRequest;
import dev.sluice.session.AppletStream;
import dev.sluice.session.SessionCounters;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The stats page ({@code stats uri}): an HTML page of the frontends, backends
 * and servers (status, sessions, rates, bytes, errors, queue, check state) and
 * of each loop's buffers (pool use, waiters per class, handoffs, wait times and
 * a short history of the pool's use), or, after {@code ;csv}, the rows of
 * {@link StatCsv} that {@code show stat} prints, or after {@code ;json} the
 * same rows in HAProxy's JSON form ({@link StatJson}). With {@code stats auth} it
 * asks for HTTP basic authentication (401 and {@code WWW-Authenticate}).
 *
 * <p>Thread-safe: {@link #open} runs on any loop. It reads the counters as the
 * exporter does ({@link ProcessView}); the history is a fixed ring per loop,
 * allocated with the page, that each load adds a sample to.
 */
public final class StatsPage implements Applet {
    /** Samples of the buffer history kept per loop. */
    static final int HISTORY = 60;

    /** What the stats keywords set. */
    public record Options(String uri, long refreshMillis, List<String> auths, String realm, boolean hideVersion,
                          String node, String description, boolean legends, List<String> scopes) {
        public Options {
            auths = List.copyOf(auths);
            scopes = List.copyOf(scopes);
        }
    }

    private final ProcessView view;
    private final Options options;
    private final int[][] history;
    private final int[] historyNext;
    private final long[] lastRequests;
    private final long[] lastSampleNanos;

    public StatsPage(ProcessView view, Options options) {
        this.view = view;
        this.options = options;
        int loops = Math.max(1, view.loops.size());
        this.history = new int[loops][HISTORY * 2];
        this.historyNext = new int[loops];
        this.lastRequests = new long[1];
        this.lastSampleNanos = new long[1];
    }

    @Override
    public AppletStream open(AppletRequest request) {
        if (!authorized(request.authorization())) {
            byte[] body = "<html><body><h1>401 Unauthorized</h1>\nThis page needs a user name and a password.\n</body></html>\n"
                    .getBytes(StandardCharsets.US_ASCII);
            return new PrometheusExporter.WholePage(request, 401, "Unauthorized", "content-type: text/html\r\n"
                    + "www-authenticate: Basic realm=\"" + options.realm().replace("\"", "") + "\"\r\n", body);
        }
        String rest = request.target().length() > options.uri().length()
                ? request.target().substring(options.uri().length()) : "";
        // The page gets GET, HEAD and POST only (FrontendServices.statsPage): other methods go to the backend.
        if (request.method().equals("POST")) {
            StatsAdmin.Status done = !request.admin() ? StatsAdmin.Status.DENY
                    : request.body() == null ? StatsAdmin.Status.EXCD
                    : StatsAdmin.apply(request.body(), view, !options.scopes().isEmpty(), this::inScope,
                            view.shutdown);
            return seeOther(request, done);
        }
        if (rest.contains(";csv")) {
            byte[] csv = StatCsv.render(scoped(view.frontends), scopedBackends(), false, options.legends())
                    .getBytes(StandardCharsets.UTF_8);
            return new PrometheusExporter.WholePage(request, 200, "OK", "content-type: text/plain\r\n", csv);
        }
        if (rest.contains(";json")) {
            byte[] json = StatJson.render(scoped(view.frontends), scopedBackends(), options.legends())
                    .getBytes(StandardCharsets.UTF_8);
            return new PrometheusExporter.WholePage(request, 200, "OK", "content-type: application/json\r\n", json);
        }
        byte[] html = html(request.admin(), StatsAdmin.shown(rest)).getBytes(StandardCharsets.UTF_8);
        String refresh = options.refreshMillis() > 0 ? "refresh: " + Math.max(1, options.refreshMillis() / 1000) + "\r\n"
                : "";
        return new PrometheusExporter.WholePage(request, 200, "OK",
                "content-type: text/html; charset=utf-8\r\n" + refresh, html);
    }

    /**
     * The answer to a POST: back to the page with a GET, which shows the
     * outcome, so that reloading it does not post the form again.
     */
    private PrometheusExporter.WholePage seeOther(AppletRequest request, StatsAdmin.Status done) {
        return new PrometheusExporter.WholePage(request, 303, "See Other", "content-type: text/plain\r\nlocation: "
                + options.uri() + ";st=" + done.name() + "\r\n", new byte[0]);
    }

    /** Whether the request's basic credentials are one of {@code stats auth}'s pairs (anyone without them). */
    boolean authorized(String authorization) {
        if (options.auths().isEmpty()) {
            return true;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String pair;
        try {
            pair = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return options.auths().contains(pair);
    }

    private boolean inScope(String proxy) {
        return options.scopes().isEmpty() || options.scopes().contains(proxy);
    }

    private List<StatCsv.Frontend> scoped(List<StatCsv.Frontend> all) {
        return all.stream().filter(f -> inScope(f.name())).toList();
    }

    private List<Backend> scopedBackends() {
        return view.backends.stream().filter(b -> inScope(b.name())).toList();
    }

    // ---- the page ----

    /**
     * The page; with {@code admin}, each backend's table is a form that
     * changes its servers ({@link StatsAdmin}); {@code shown} is the outcome
     * of the last form, named by {@code ;st=}, or null.
     */
    private String html(boolean admin, StatsAdmin.Status shown) {
        StringBuilder h = new StringBuilder(16384);
        h.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Sluice statistics</title>\n");
        if (options.refreshMillis() > 0) {
            h.append("<meta http-equiv=\"refresh\" content=\"").append(Math.max(1, options.refreshMillis() / 1000))
                    .append("\">\n");
        }
        h.append("<style>body{font-family:sans-serif;font-size:13px;margin:1em}table{border-collapse:collapse;"
                + "margin-bottom:1em}td,th{border:1px solid #999;padding:2px 6px;text-align:right}"
                + "th{background:#dde}td.n{text-align:left}tr.up td{background:#cfc}tr.down td{background:#fcc}"
                + "tr.maint td{background:#ccf}tr.drain td{background:#ffc}tr.total td{font-weight:bold;"
                + "background:#eee}h2{margin:0.6em 0 0.2em}</style></head><body>\n");
        h.append("<h1>Sluice statistics</h1>\n<p id=\"process\">");
        if (!options.hideVersion()) {
            h.append("version <span id=\"version\">").append(esc(view.version)).append("</span>, ");
        }
        long uptime = (System.currentTimeMillis() - view.startedAtMillis) / 1000;
        h.append("up <span id=\"uptime\">").append(uptime).append("</span> s, <span id=\"nbthread\">")
                .append(view.loops.size()).append("</span> loops");
        if (options.node() != null) {
            h.append(", node <span id=\"node\">").append(esc(options.node().isEmpty() ? view.node : options.node()))
                    .append("</span>");
        }
        if (options.description() != null && !options.description().isEmpty()) {
            h.append(", <span id=\"description\">").append(esc(options.description())).append("</span>");
        }
        SessionCounters all = new SessionCounters();
        for (ProcessView.Loop l : view.loops) {
            all.add(l.sessions());
        }
        h.append(". Requests: <span id=\"http-requests\">").append(all.httpRequests())
                .append("</span>, request rate: <span id=\"req-rate\">").append(rate(all.httpRequests()))
                .append("</span>/s.</p>\n");
        if (shown != null) {
            h.append("<p id=\"admin-status\" class=\"").append(shown == StatsAdmin.Status.DONE ? "done" : "failed")
                    .append("\" data-code=\"").append(shown.name()).append("\">").append(esc(shown.message))
                    .append(" <a href=\"").append(esc(options.uri())).append("\">[X]</a></p>\n");
        }
        frontendTable(h);
        for (Backend b : scopedBackends()) {
            backendTable(h, b, admin);
        }
        bufferPanel(h);
        if (options.legends()) {
            h.append("<p id=\"legends\">Sessions: cur now, max peak, limit maxconn, total since start. Queue: requests"
                    + " waiting for a slot. Buffers: in use of the pool, waiters queued per class (critical, urgent,"
                    + " normal), handoffs of released buffers to waiters, wait time per class. Status colours: green"
                    + " UP, red DOWN, blue MAINT, yellow DRAIN.</p>\n");
        }
        h.append("<p><a href=\"").append(esc(options.uri())).append(";csv\">CSV export</a></p>\n</body></html>\n");
        return h.toString();
    }

    /** Requests per second since the last page load (0 on the first). */
    private synchronized long rate(long requests) {
        long now = System.nanoTime();
        long r = lastSampleNanos[0] == 0 || now == lastSampleNanos[0] ? 0
                : (requests - lastRequests[0]) * 1_000_000_000L / (now - lastSampleNanos[0]);
        lastRequests[0] = requests;
        lastSampleNanos[0] = now;
        return r;
    }

    private void frontendTable(StringBuilder h) {
        h.append("<h2>Frontends</h2>\n<table id=\"frontends\"><tr><th>name</th><th>mode</th><th>status</th>"
                + "<th>cur</th><th>limit</th><th>denied</th><th>requests</th></tr>\n");
        for (StatCsv.Frontend f : scoped(view.frontends)) {
            String id = "fe-" + ident(f.name());
            h.append("<tr class=\"up\"><td class=\"n\">").append(esc(f.name())).append("</td><td>").append(f.mode())
                    .append("</td><td>OPEN</td>");
            cell(h, id + "-scur", f.limit().current());
            cell(h, id + "-slim", f.limit().max());
            cell(h, id + "-denied", f.limit().refused());
            if (f.mode().equals("http")) {
                cell(h, id + "-req-tot", f.requests().total());
            } else {
                h.append("<td>-</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private void backendTable(StringBuilder h, Backend b, boolean admin) {
        String bid = "be-" + ident(b.name());
        h.append("<h2>Backend ").append(esc(b.name())).append("</h2>\n");
        if (admin) {
            h.append("<form method=\"post\" action=\"").append(esc(options.uri())).append("\" id=\"").append(bid)
                    .append("-form\">");
        }
        h.append("<table id=\"").append(bid).append("\"><tr>").append(admin ? "<th></th>" : "").append("<th>server</th><th>status</th><th>queue cur</th><th>sessions cur</th><th>max</th>"
                + "<th>limit</th><th>total</th><th>conn errors</th><th>weight</th><th>check</th><th>check fails</th>"
                + "<th>downs</th></tr>\n");
        for (Server s : b.servers()) {
            String id = bid + "-" + ident(s.name());
            String status = StatCsv.status(s.state());
            h.append("<tr class=\"").append(status.toLowerCase(Locale.ROOT)).append("\">");
            if (admin) {
                h.append("<td><input type=\"checkbox\" name=\"s\" value=\"").append(esc(s.name())).append("\" id=\"")
                        .append(id).append("-select\"></td>");
            }
            h.append("<td class=\"n\">").append(esc(s.name())).append("</td><td id=\"").append(id).append("-status\">").append(status)
                    .append("</td>");
            cell(h, id + "-qcur", s.queued());
            cell(h, id + "-scur", s.slotsInUse());
            cell(h, id + "-smax", s.peakSlotsInUse());
            h.append("<td>").append(s.maxconn() == 0 ? "-" : Integer.toString(s.maxconn())).append("</td>");
            cell(h, id + "-stot", s.sessions());
            cell(h, id + "-econ", s.connectErrors());
            cell(h, id + "-weight", s.weight());
            HealthCheck c = view.checks == null ? null : view.checks.of(s);
            h.append("<td id=\"").append(id).append("-check\">").append(c == null ? "no check"
                    : c.disabled() ? "disabled" : esc(String.valueOf(c.lastStatus()))).append("</td>");
            cell(h, id + "-chkfail", c == null ? 0 : c.failed());
            cell(h, id + "-chkdown", s.timesEntered(dev.sluice.backend.ServerState.DOWN));
            h.append("</tr>\n");
        }
        h.append("<tr class=\"total\">").append(admin ? "<td></td>" : "").append("<td class=\"n\">BACKEND</td><td>").append(b.serversUp() > 0 ? "UP" : "DOWN")
                .append("</td>");
        cell(h, bid + "-qcur", b.queued());
        cell(h, bid + "-scur", b.slotsInUse());
        cell(h, bid + "-qmax", b.peakQueued());
        h.append("<td></td>");
        cell(h, bid + "-queued-total", b.queuedTotal());
        h.append("<td colspan=\"5\">queue wait total <span id=\"").append(bid).append("-qwait\">")
                .append(b.queueWaitNanos() / 1_000_000).append("</span> ms</td></tr>\n</table>\n");
        if (admin) {
            h.append("Choose the action to perform on the checked servers: <select name=\"action\" id=\"").append(bid)
                    .append("-action\"><option value=\"\"></option>");
            for (int i = 0; i < StatsAdmin.ACTIONS.size(); i++) {
                h.append("<option value=\"").append(StatsAdmin.ACTIONS.get(i)).append("\">")
                        .append(StatsAdmin.LABELS.get(i)).append("</option>");
            }
            h.append("</select><input type=\"hidden\" name=\"b\" value=\"").append(esc(b.name()))
                    .append("\"> <input type=\"submit\" value=\"Apply\" id=\"").append(bid)
                    .append("-apply\"></form>\n");
        }
    }

    /** Per loop: the pool's use and a short history of it, waiters and handoffs per class, wait times. */
    private void bufferPanel(StringBuilder h) {
        h.append("<h2>Buffers</h2>\n<table id=\"buffers\"><tr><th>loop</th><th>pool</th><th>in use</th><th>peak</th>"
                + "<th>free</th><th>reserve</th>");
        for (Criticality c : Criticality.values()) {
            String n = c.name().toLowerCase(Locale.ROOT);
            h.append("<th>").append(n).append(" waiting</th><th>").append(n).append(" handoffs</th><th>").append(n)
                    .append(" wait ms</th>");
        }
        h.append("<th>failed wakeups</th><th>history (in use)</th></tr>\n");
        for (ProcessView.Loop l : view.loops) {
            bufferRow(h, l, "client", l.pool(), true);
            if (l.arena() != null) {
                bufferRow(h, l, "applet", l.arena().pool(), false);
            }
        }
        h.append("</table>\n");
    }

    private void bufferRow(StringBuilder h, ProcessView.Loop l, String name, BufferPool p, boolean sampled) {
        String id = "loop" + l.id() + "-" + name;
        h.append("<tr><td>").append(l.id()).append("</td><td class=\"n\">").append(name).append("</td>");
        cell(h, id + "-inuse", p.inUse());
        cell(h, id + "-peak", p.peakInUse());
        cell(h, id + "-free", p.free());
        cell(h, id + "-reserve", p.reserve());
        long failed = 0;
        for (Criticality c : Criticality.values()) {
            String n = c.name().toLowerCase(Locale.ROOT);
            cell(h, id + "-" + n + "-waiting", p.waiting(c));
            cell(h, id + "-" + n + "-handoffs", p.counters().handoffs(c));
            cell(h, id + "-" + n + "-waitms", p.counters().waitNanos(c) / 1_000_000);
            failed += p.counters().failedWakeups(c);
        }
        cell(h, id + "-failed", failed);
        h.append("<td>");
        if (sampled) {
            sparkline(h, l.id(), p);
        }
        h.append("</td></tr>\n");
    }

    /** Adds a sample of the pool's use and waiters to the loop's ring and draws the ring. */
    private void sparkline(StringBuilder h, int loop, BufferPool p) {
        int[] ring;
        int next;
        int[] copy = new int[HISTORY * 2];
        synchronized (history) {
            ring = history[Math.min(loop, history.length - 1)];
            next = historyNext[loop % historyNext.length];
            ring[(next % HISTORY) * 2] = p.inUse();
            ring[(next % HISTORY) * 2 + 1] = p.waitingTotal();
            historyNext[loop % historyNext.length] = next + 1;
            System.arraycopy(ring, 0, copy, 0, copy.length);
        }
        int samples = Math.min(next + 1, HISTORY);
        int size = Math.max(1, p.size());
        h.append("<svg id=\"loop").append(loop).append("-history\" width=\"").append(HISTORY * 3)
                .append("\" height=\"30\" data-samples=\"").append(samples).append("\"><polyline fill=\"none\""
                + " stroke=\"#36c\" points=\"");
        for (int i = 0; i < samples; i++) {
            int at = (next - samples + 1 + i + HISTORY * 2) % HISTORY;
            h.append(i * 3).append(',').append(30 - copy[at * 2] * 28 / size).append(' ');
        }
        h.append("\"/></svg> <span id=\"loop").append(loop).append("-waiters\">").append(p.waitingTotal())
                .append("</span> waiting");
    }

    private static void cell(StringBuilder h, String id, long value) {
        h.append("<td id=\"").append(id).append("\">").append(value).append("</td>");
    }

    private static String ident(String name) {
        return name.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
