package dev.sluice.session;

import dev.sluice.buffer.Buffer;
import dev.sluice.http.HeadRewriter;
import dev.sluice.http.HttpReplies;
import dev.sluice.http.HttpRequestView;
import dev.sluice.http.Method;
import dev.sluice.http.RedirectRule;
import dev.sluice.http.ReturnRule;

/**
 * Replies of Sluice's own: an error response (400, 408, 413, 500, 502, 503,
 * 504, ...), or the response of an {@code http-request return},
 * {@code deny} or {@code redirect} rule. A reply is chosen at once but may have to wait for its
 * buffer; this holds it meanwhile, then writes it into the buffer in one piece.
 *
 * <p>Its buffer is the response channel's, allocated as {@code URGENT} (or
 * {@code CRITICAL} when the request side still holds one): Sluice answering
 * the client itself is progress that frees what the session holds, so the
 * reserve serves it even when the pool is dry (DESIGN.md, "Why it cannot
 * deadlock").
 *
 * <p>The bytes are shared constants built once; a reply allocates nothing. A
 * redirect copies its target and Host from the request head, which stays in
 * the request buffer (so the reply's buffer is {@code CRITICAL}) until the
 * reply is written.
 *
 * <p>Not thread-safe: owned by one session, on its loop.
 */
final class OwnReply {
    private byte[] bytes;
    private int length;
    /** Where {@code connection: close} goes in, or -1 when the reply already says it or keeps the connection. */
    private int closeAt;
    private boolean keepsAlive;
    private SessionOutcome outcome;
    /** A redirect, written from the request head still in its buffer; else null. */
    private RedirectRule redirect;
    private HttpRequestView request;

    /** An error response, which closes the connection; a response to HEAD has no content (RFC 9110 section 9.3.2). */
    void error(int status, Method method, SessionOutcome why) {
        byte[] page = HttpReplies.error(status);
        set(page, method == Method.HEAD ? HttpReplies.headLength(status) : page.length, -1, false, why);
    }

    /**
     * The response of a return or deny rule. It keeps the connection open when
     * {@code keepAlive}; otherwise {@code connection: close} goes into its head.
     */
    void answer(ReturnRule rule, Method method, boolean keepAlive) {
        boolean keep = keepAlive && !rule.closesConnection();
        set(rule.bytes(), method == Method.HEAD ? rule.bodyOffset() : rule.length(),
                keep || rule.saysClose() ? -1 : rule.blankLineOffset(), keep, SessionOutcome.REPLIED);
    }

    /** An error answered with the operator's page ({@code errorfile}) for its status; it closes the connection. */
    void errorPage(ReturnRule page, Method method, SessionOutcome why) {
        set(page.bytes(), method == Method.HEAD ? page.bodyOffset() : page.length(),
                page.saysClose() ? -1 : page.blankLineOffset(), false, why);
    }

    /**
     * The answer of a redirect rule. Its location is made from {@code request},
     * whose head stays in the request buffer until {@link #writeInto} wrote it.
     */
    void redirect(RedirectRule rule, HttpRequestView request, boolean keepAlive) {
        set(EMPTY, 0, -1, keepAlive, SessionOutcome.REPLIED);
        this.redirect = rule;
        this.request = request;
    }

    /** The pending reply is a redirect, which reads the request head when written. */
    boolean readsRequestHead() {
        return redirect != null;
    }

    private static final byte[] EMPTY = new byte[0];

    /** An applet answers: nothing to write here; the connection stays open after it when {@code keepAlive}. */
    void served(boolean keepAlive) {
        set(null, 0, -1, keepAlive, SessionOutcome.REPLIED);
    }

    private void set(byte[] bytes, int length, int closeAt, boolean keepsAlive, SessionOutcome why) {
        this.redirect = null;
        this.request = null;
        this.bytes = bytes;
        this.length = length;
        this.closeAt = closeAt;
        this.keepsAlive = keepsAlive;
        this.outcome = why;
    }

    /** A reply is chosen and waits for its buffer. */
    boolean pending() {
        return bytes != null;
    }

    /** Forgets a reply that will never be written (the session closed). */
    void drop() {
        bytes = null;
        redirect = null;
        request = null;
    }

    /**
     * Writes the pending reply at the end of {@code b}, which holds nothing
     * else by now, and returns its length: what the response channel may
     * forward.
     *
     * @throws IllegalStateException if the reply does not fit, which the
     *     configuration check rules out (every reply is smaller than a buffer)
     */
    int writeInto(Buffer b) {
        if (redirect != null) {
            RedirectRule rule = redirect;
            redirect = null;
            bytes = null;
            int n = rule.write(b, request, !keepsAlive);
            request = null;
            if (n < 0) {
                throw new IllegalStateException("a redirect that was checked to fit a buffer does not fit");
            }
            return n;
        }
        byte[] r = bytes;
        bytes = null;
        b.compact();
        int total = length + (closeAt >= 0 ? HeadRewriter.CLOSE_LINE.length : 0);
        if (b.writable() < total) {
            throw new IllegalStateException("a reply of " + total + " bytes does not fit in a buffer");
        }
        if (closeAt >= 0) {
            b.append(r, 0, closeAt);
            b.append(HeadRewriter.CLOSE_LINE, 0, HeadRewriter.CLOSE_LINE.length);
            b.append(r, closeAt, length - closeAt);
        } else {
            b.append(r, 0, length);
        }
        return total;
    }

    /** Whether the connection stays open for a next request once the reply went out. */
    boolean keepsAlive() {
        return keepsAlive;
    }

    /** How the session ends, once the reply went out, if it does not keep the connection. */
    SessionOutcome outcome() {
        return outcome;
    }
}
