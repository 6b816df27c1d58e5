package dev.sluice.backend;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The request an HTTP check sends, from {@code option httpchk [METHOD] [URI]
 * [VERSION]} and {@code http-check send meth|uri|ver|hdr|body}, with HAProxy's
 * defaults ({@code OPTIONS / HTTP/1.0}). Checks do not keep connections alive:
 * {@code Connection: close} is added unless a {@code Connection} field is
 * given, and {@code Content-Length} whenever there is a body. No {@code Host}
 * is added: an HTTP/1.1 check must give one with {@code hdr}, as in HAProxy.
 *
 * <p>Built once, at configuration time.
 */
public final class HttpCheckRequest {
    public static final String DEFAULT_METHOD = "OPTIONS";
    public static final String DEFAULT_URI = "/";
    public static final String DEFAULT_VERSION = "HTTP/1.0";

    /** One {@code hdr <name> <value>}. */
    public record Header(String name, String value) {
    }

    private HttpCheckRequest() {
    }

    public static byte[] build(String method, String uri, String version, List<Header> headers, String body) {
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(uri).append(' ').append(version).append("\r\n");
        boolean connection = false;
        for (Header h : headers) {
            String lower = h.name().toLowerCase(Locale.ROOT);
            // A framing field of the user's would contradict the body Sluice frames itself; HAProxy ignores it too.
            if (lower.equals("content-length") || lower.equals("transfer-encoding")) {
                continue;
            }
            connection |= lower.equals("connection");
            head.append(h.name()).append(": ").append(h.value()).append("\r\n");
        }
        if (!connection) {
            head.append("Connection: close\r\n");
        }
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.ISO_8859_1);
        if (content.length > 0) {
            head.append("Content-Length: ").append(content.length).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(content);
        return out.toByteArray();
    }
}
