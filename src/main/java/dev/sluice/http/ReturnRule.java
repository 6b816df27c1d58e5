package dev.sluice.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A response Sluice answers by itself ({@code http-request return} or
 * {@code http-request deny}), encoded once when the configuration is compiled:
 * status line, fields, the blank line and the payload. Sending it copies
 * {@link #bytes()} into a buffer; nothing is built per request.
 *
 * <p>The fields hold {@code content-length} (except for 204 and 304) and, with
 * a payload, {@code content-type}. Persistence is the session's business: to
 * close after the response it inserts {@code connection: close} at
 * {@link #blankLineOffset()}; to answer a HEAD request it sends the bytes before
 * {@link #bodyOffset()} only.
 *
 * <p>A redirect ({@link #redirect(RedirectRule)}) is the exception: its bytes
 * depend on the request, so it carries its {@link RedirectRule}, which writes
 * them from the request head, and no bytes of its own.
 *
 * <p>Immutable; safe to share between loops.
 */
public final class ReturnRule {
    /** Fields the rule writes itself, or that only the session may write. */
    private static final Set<String> RESERVED = Set.of("content-length", "content-type", "transfer-encoding",
            "connection");

    private final int status;
    private final byte[] bytes;
    private final int bodyLength;
    /** For a redirect, the rule that writes it from the request; else null. */
    private final RedirectRule redirect;
    /** An operator's page ({@code errorfile}): sent as written, and the connection closes after it. */
    private final boolean page;
    /** The page's head says {@code Connection: close} already. */
    private final boolean saysClose;

    private ReturnRule(int status, byte[] bytes, int bodyLength) {
        this(status, bytes, bodyLength, null, false, false);
    }

    private ReturnRule(int status, byte[] bytes, int bodyLength, RedirectRule redirect, boolean page,
                       boolean saysClose) {
        this.status = status;
        this.bytes = bytes;
        this.bodyLength = bodyLength;
        this.redirect = redirect;
        this.page = page;
        this.saysClose = saysClose;
    }

    /** The answer of a redirect rule: its bytes are made from the request when written ({@link #redirect()}). */
    public static ReturnRule redirect(RedirectRule rule) {
        return new ReturnRule(rule.status(), new byte[0], 0, rule, false, false);
    }

    /** The redirect rule that writes this answer, or null for a constant answer. */
    public RedirectRule redirect() {
        return redirect;
    }
    /**
     * An {@code errorfile}: a whole HTTP response as the operator wrote it
     * (status line, fields, CRLF line ends, a blank line, the payload), sent
     * byte for byte. Sluice only adds {@code connection: close} when the head
     * does not say it: the connection always ends after such a page.
     *
     * @throws IllegalArgumentException with a message fit for the user when the file is not such a response
     */
    public static ReturnRule page(byte[] file) {
        String text = new String(file, StandardCharsets.ISO_8859_1);
        if (!text.startsWith("HTTP/1.0 ") && !text.startsWith("HTTP/1.1 ")) {
            throw new IllegalArgumentException("the file must hold a whole HTTP/1.x response, starting with its"
                    + " status line (HTTP/1.0 or HTTP/1.1)");
        }
        int status;
        try {
            status = Integer.parseInt(text.substring(9, Math.min(12, text.length())));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the file's status line has no 3-digit status");
        }
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("the file's status must be from 200 to 599, got " + status);
        }
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IllegalArgumentException("the file's head does not end with an empty line; its lines must end"
                    + " with CRLF");
        }
        String head = text.substring(0, end + 2);
        String bare = head.replace("\r\n", "");
        if (bare.indexOf('\n') >= 0 || bare.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("the file's head lines must end with CRLF");
        }
        boolean close = false;
        for (String line : head.split("\r\n")) {
            String l = line.toLowerCase(Locale.ROOT);
            if (l.startsWith("connection:") && l.contains("close")) {
                close = true;
            }
        }
        return new ReturnRule(status, file.clone(), file.length - end - 4, null, true, close);
    }

    /**
     * Compiles {@code return status S [content-type T] [payload] [hdr NAME VALUE]...}.
     *
     * @param contentType null when no content-type was given
     * @param body the payload, or null for none
     * @param fields extra header fields, in order
     * @throws IllegalArgumentException with a message fit for the user when the parts do not fit together
     */
    public static ReturnRule of(int status, String contentType, byte[] body, List<Map.Entry<String, String>> fields) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status must be from 200 to 599, got " + status);
        }
        boolean bodiless = status == 204 || status == 304;
        if (body != null && bodiless) {
            throw new IllegalArgumentException("a " + status + " response has no payload");
        }
        if (body != null && contentType == null) {
            throw new IllegalArgumentException("a payload needs a content-type");
        }
        if (body == null && contentType != null) {
            throw new IllegalArgumentException("content-type needs a payload (string or file)");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        line(out, "HTTP/1.1 " + status + " " + reason(status));
        if (contentType != null) {
            HeaderRule.checkFieldValue(contentType);
            line(out, "content-type: " + contentType);
        }
        int length = body == null ? 0 : body.length;
        if (!bodiless) {
            line(out, "content-length: " + length);
        }
        for (Map.Entry<String, String> field : fields) {
            Acl.checkFieldName(field.getKey());
            if (RESERVED.contains(field.getKey().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("hdr " + field.getKey() + " cannot be set here"
                        + (field.getKey().equalsIgnoreCase("content-type") ? "; use content-type" : ""));
            }
            HeaderRule.checkFieldValue(field.getValue());
            line(out, field.getKey() + ": " + field.getValue());
        }
        out.writeBytes(HttpBytes.ascii("\r\n"));
        if (body != null) {
            out.writeBytes(body);
        }
        return new ReturnRule(status, out.toByteArray(), length);
    }

    /** The answer of {@code http-request deny}: the status and its reason as plain text. */
    public static ReturnRule deny(int status) {
        String text = status + " " + reason(status) + "\n";
        return of(status, "text/plain", text.getBytes(StandardCharsets.US_ASCII), List.of());
    }

    private static void line(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(HttpBytes.ascii("\r\n"));
    }

    /** The reason phrases of RFC 9110 section 15 for the codes a rule may return. */
    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 203 -> "Non-Authoritative Information";
            case 204 -> "No Content";
            case 205 -> "Reset Content";
            case 206 -> "Partial Content";
            case 300 -> "Multiple Choices";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 304 -> "Not Modified";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 402 -> "Payment Required";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 406 -> "Not Acceptable";
            case 407 -> "Proxy Authentication Required";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 411 -> "Length Required";
            case 412 -> "Precondition Failed";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 415 -> "Unsupported Media Type";
            case 416 -> "Range Not Satisfiable";
            case 417 -> "Expectation Failed";
            case 421 -> "Misdirected Request";
            case 422 -> "Unprocessable Content";
            case 426 -> "Upgrade Required";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            default -> status < 300 ? "Success" : status < 400 ? "Redirection" : status < 500 ? "Client Error"
                    : "Server Error";
        };
    }

    public int status() {
        return status;
    }

    /** An operator's page ({@link #page}): the connection closes after it, whatever the request said. */
    public boolean closesConnection() {
        return page;
    }

    /** The head says {@code Connection: close} already: nothing needs inserting to close. */
    public boolean saysClose() {
        return saysClose;
    }

    /** The whole response; a shared constant that must not be modified. */
    public byte[] bytes() {
        return bytes;
    }

    /** Length of the whole response, which must fit in {@code tune.bufsize - tune.maxrewrite}. */
    public int length() {
        return bytes.length;
    }

    /** Index of the CRLF that ends the head: where a session inserts fields of its own. */
    public int blankLineOffset() {
        return bytes.length - bodyLength - 2;
    }

    /** Index of the payload's first byte (the length when there is none). */
    public int bodyOffset() {
        return bytes.length - bodyLength;
    }
}
