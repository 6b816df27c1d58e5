package dev.sluice.session;

import dev.sluice.http.BodyFraming;
import dev.sluice.http.ConnectionAddresses;
import dev.sluice.http.HttpRequestView;
import dev.sluice.http.ParsedRequest;
import dev.sluice.http.Method;
import dev.sluice.log.TerminationCause;
import dev.sluice.log.TerminationPhase;

/**
 * Where an exchange hands its request to an applet (a {@code use-service} or
 * the stats page) instead of a backend: the applet reads what it needs of the
 * request while the head is still in the buffer, the exchange's own reply
 * path is set to "served", and the answer then goes out part by part through
 * an {@link AppletRun} on the loop's applet arena. A form posted to the
 * stats page waits here, its head parsed, until its body is whole.
 *
 * <p>A frontend without applets has no arena on the loop: {@link #available()}
 * is false and nothing here takes memory.
 *
 * <p>Not thread-safe: owned by one exchange, on its session's loop.
 */
final class AppletHandoff {
    private final HttpSession session;
    private final HttpFrontend frontend;
    private final RequestAnalyser requestSide;
    private final OwnReply reply;
    /** The answer of an applet on its way, or null when the frontend has no arena on this loop. */
    private final AppletRun run;

    AppletHandoff(HttpSession session, HttpFrontend frontend, Channel response, RequestAnalyser requestSide,
                  OwnReply reply) {
        this.session = session;
        this.frontend = frontend;
        this.requestSide = requestSide;
        this.reply = reply;
        AppletArena arena = frontend.services().arena(session.loop.id());
        this.run = arena == null ? null : new AppletRun(session, response, arena);
    }

    /**
     * A form posted to the stats page waits, its head parsed, until its body
     * is whole in the buffer, where the page reads it (a body that cannot fit
     * goes on at once, and the page answers EXCD). The wait is the client's,
     * under {@code timeout http-request}; it takes no buffer beyond the one
     * the head is in.
     */
    boolean formComing(ParsedRequest view, Channel request, ConnectionAddresses addresses) {
        if (requestSide.method() != Method.POST || !requestSide.bodyComingThatFits()) {
            return false;
        }
        view.bind(request.buffer(), requestSide.head(), addresses);
        return frontend.services().statsPage(view) != null;
    }

    /** Whether applets can answer on this loop (the frontend has an arena here). */
    boolean available() {
        return run != null;
    }

    /** The {@code use-service} applet whose condition {@code view} meets, or null (always null without an arena). */
    Applet service(HttpRequestView view) {
        return run == null ? null : frontend.services().service(view);
    }

    /**
     * Opens {@code service}'s answer to the request in {@code view}: it is
     * logged as Sluice's own answer (LR) and the reply is marked served. The
     * caller produces the answer's status, then {@link #start}s it.
     */
    AppletStream open(Applet service, HttpRequestView view) {
        boolean http10 = requestSide.head().minorVersion() == 0;
        boolean headOnly = requestSide.method() == Method.HEAD;
        // The applet reads the request now: the head leaves the buffer when the connection is kept.
        AppletRequest asked = AppletRequest.of(view, headOnly, http10, requestSide.keepAlive(), session.loop.id());
        // A POST changes servers: it must also come from a page of this host (no cross-site forgery).
        boolean admin = frontend.services().statsAdmin(view)
                && (requestSide.method() != Method.POST || AppletRequest.sameOrigin(view));
        // Read before the head (and a whole body with it) may leave the buffer.
        int bodyStart = requestSide.head().headStart() + requestSide.head().headLength();
        String body = requestSide.method() == Method.POST && requestSide.framing() == BodyFraming.CONTENT_LENGTH
                && requestSide.wholeInBuffer(requestSide.head().headLength())
                ? AppletRequest.text(view, bodyStart, bodyStart + (int) requestSide.head().contentLength()) : null;
        boolean closing = frontend.httpClose() || session.stopping();
        boolean keep = !http10 && (body != null ? requestSide.answeredKeepingAliveWithBody(closing)
                : requestSide.answeredKeepingAlive(closing));
        AppletStream answer = service.open(new AppletRequest(asked.method(), asked.target(), asked.authorization(),
                asked.accept(), headOnly, http10, keep, asked.loop(), admin, body));
        session.log.terminate(TerminationCause.LOCAL, TerminationPhase.REQUEST);
        reply.served(keep);
        return answer;
    }

    /** The answer's parts start going out: the session runs to make the first. Returns true. */
    boolean start(AppletStream answer) {
        run.start(answer);
        session.wake();
        return true;
    }

    /** Whether an applet is still making its answer (it made what the client could take for now). */
    boolean making() {
        return run != null && run.active() && !run.pump();
    }

    /** The session closed: an applet's answer stops, and its arena buffer goes back. */
    void drop() {
        if (run != null) {
            run.drop();
        }
    }

    /** Whether an applet's answer is on its way, or its arena's buffer is still held or awaited. */
    boolean running() {
        return run != null && (run.active() || run.holds());
    }
}
