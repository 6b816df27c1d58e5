package dev.sluice.session;

import dev.sluice.http.HttpRequestView;
import java.nio.charset.StandardCharsets;

/**
 * What an {@link Applet} knows of the request it answers, copied out of the
 * request's buffer before the head leaves it: an applet runs after its
 * request's buffer may have been given back.
 *
 * @param method        the request method's name
 * @param target        the request target as sent (path and query)
 * @param authorization the {@code Authorization} field's value, or null
 * @param accept        the {@code Accept} field's value, or null
 * @param headOnly      a HEAD request: the answer has no content
 * @param http10        an HTTP/1.0 request: no chunked transfer; the connection closes after the answer
 * @param keepAlive     the connection stays open for a next request after the answer
 * @param loop          the id of the loop that runs the session
 * @param admin         a {@code stats admin} condition admits the request: the stats page may change servers
 * @param body          the request's body when it has a Content-Length and came whole with its head (a form),
 *                      else null; at most one buffer, copied
 */
public record AppletRequest(String method, String target, String authorization, String accept, boolean headOnly,
                            boolean http10, boolean keepAlive, int loop, boolean admin, String body) {
    /** A request without admin rights or body. */
    public AppletRequest(String method, String target, String authorization, String accept, boolean headOnly,
                         boolean http10, boolean keepAlive, int loop) {
        this(method, target, authorization, accept, headOnly, http10, keepAlive, loop, false, null);
    }

    /** The target's path, without its query. */
    public String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    /** The target's query, without the {@code ?}, or an empty string. */
    public String query() {
        int q = target.indexOf('?');
        return q < 0 ? "" : target.substring(q + 1);
    }

    /** Reads the parts an applet needs out of {@code view}, while its head is still in the buffer. */
    static AppletRequest of(HttpRequestView view, boolean headOnly, boolean http10, boolean keepAlive, int loop) {
        return new AppletRequest(text(view, view.methodStart(), view.methodEnd()),
                text(view, view.targetStart(), view.targetEnd()), field(view, "authorization"), field(view, "accept"),
                headOnly, http10, keepAlive, loop);
    }

    /**
     * Whether a browser's request comes from a page of the same host: its
     * {@code Origin} (else its {@code Referer}) names the authority of its
     * {@code Host}. A request with neither field (not from a browser's form)
     * passes. This keeps another site's page from posting the stats page's
     * forms with an administrator's credentials (cross-site request forgery).
     */
    static boolean sameOrigin(HttpRequestView view) {
        String source = field(view, "origin");
        if (source == null) {
            source = field(view, "referer");
        }
        if (source == null) {
            return true;
        }
        String host = field(view, "host");
        int scheme = source.indexOf("://");
        if (host == null || scheme < 0) {
            return false;
        }
        int start = scheme + 3;
        int end = start;
        while (end < source.length() && "/?#".indexOf(source.charAt(end)) < 0) {
            end++;
        }
        String authority = source.substring(start, end);
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        return authority.equalsIgnoreCase(host.trim());
    }

    /** The value of the first field named {@code name} (lower case), or null. */
    static String field(HttpRequestView view, String name) {
        for (int h = 0; h < view.headerCount(); h++) {
            int start = view.nameStart(h);
            if (view.nameEnd(h) - start != name.length()) {
                continue;
            }
            boolean same = true;
            for (int i = 0; i < name.length() && same; i++) {
                same = Character.toLowerCase((char) view.buffer().get(start + i)) == name.charAt(i);
            }
            if (same) {
                return text(view, view.valueStart(h), view.valueEnd(h));
            }
        }
        return null;
    }

    static String text(HttpRequestView view, int from, int to) {
        byte[] b = new byte[Math.max(0, to - from)];
        for (int i = 0; i < b.length; i++) {
            b[i] = view.buffer().get(from + i);
        }
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
