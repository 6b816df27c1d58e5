package dev.sluice.http;

import dev.sluice.buffer.Buffer;

import static dev.sluice.http.HttpBytes.at;

/**
 * The fields of a message head that decide how its body is framed, where it
 * goes and whether its connection persists: {@code Host}, {@code Connection},
 * {@code Content-Length} and {@code Transfer-Encoding}. The parser hands each
 * field line here as it meets it, and the end of the head once it is known;
 * the checks that refuse ambiguous framing (RFC 9112 section 6) live here.
 *
 * <p>Not thread-safe: one per parser.
 */
final class MessageFraming {
    private static final byte[] HOST = HttpBytes.ascii("host");
    private static final byte[] CONNECTION = HttpBytes.ascii("connection");
    private static final byte[] CONTENT_LENGTH = HttpBytes.ascii("content-length");
    private static final byte[] TRANSFER_ENCODING = HttpBytes.ascii("transfer-encoding");
    private static final byte[] CHUNKED = HttpBytes.ascii("chunked");

    private final MessageKind kind;
    private int hostCount;
    private int connectionOptions;
    private boolean contentLengthSeen;
    private long contentLength;
    /** Content-Length lines seen, and whether each was one number written without a leading zero. */
    private int contentLengthFields;
    private boolean contentLengthCanonical;
    private boolean transferEncodingSeen;
    private boolean chunkedSeen;
    private boolean chunkedLast;
    private boolean otherCodingSeen;
    private BodyFraming framing;

    MessageFraming(MessageKind kind) {
        this.kind = kind;
        reset();
    }

    void reset() {
        hostCount = 0;
        connectionOptions = 0;
        contentLengthSeen = false;
        contentLength = -1;
        contentLengthFields = 0;
        contentLengthCanonical = true;
        transferEncodingSeen = false;
        chunkedSeen = false;
        chunkedLast = false;
        otherCodingSeen = false;
        framing = null;
    }

    /** Records the fields that decide framing, routing and persistence as they are met. */
    HttpError field(Buffer buffer, int ns, int ne, int vs, int ve) {
        switch (ne - ns) {
            case 4:
                if (HttpBytes.equalsIgnoreCase(buffer, ns, ne, HOST)) {
                    hostCount++;
                }
                return null;
            case 10:
                if (HttpBytes.equalsIgnoreCase(buffer, ns, ne, CONNECTION)) {
                    connectionOptions |= ConnectionOptions.scan(buffer, vs, ve);
                }
                return null;
            case 14:
                return HttpBytes.equalsIgnoreCase(buffer, ns, ne, CONTENT_LENGTH) ? contentLengthField(buffer, vs, ve) : null;
            case 17:
                return HttpBytes.equalsIgnoreCase(buffer, ns, ne, TRANSFER_ENCODING) ? transferEncodingField(buffer, vs, ve) : null;
            default:
                return null;
        }
    }

    /** Every element of every Content-Length line must be the same number (RFC 9112 section 6.3, rule 5). */
    private HttpError contentLengthField(Buffer buffer, int vs, int ve) {
        contentLengthFields++;
        int i = vs;
        do {
            int comma = HttpBytes.nextComma(buffer, i, ve);
            int s = HttpBytes.skipWhitespace(buffer, i, comma);
            int e = HttpBytes.trimWhitespaceEnd(buffer, s, comma);
            long value = HttpBytes.parseContentLength(buffer, s, e);
            if (value < 0) {
                return HttpError.BAD_CONTENT_LENGTH;
            }
            if (contentLengthSeen && value != contentLength) {
                return HttpError.CONFLICTING_CONTENT_LENGTH;
            }
            if (comma < ve || e - s != decimalDigits(value)) {
                contentLengthCanonical = false;
            }
            contentLengthSeen = true;
            contentLength = value;
            i = comma + 1;
        } while (i <= ve);
        return null;
    }

    private static int decimalDigits(long value) {
        int digits = 1;
        for (long v = value; v >= 10; v /= 10) {
            digits++;
        }
        return digits;
    }

    /** Only one coding is implemented, {@code chunked}, and it must be applied once and last. */
    private HttpError transferEncodingField(Buffer buffer, int vs, int ve) {
        transferEncodingSeen = true;
        int i = vs;
        do {
            int comma = HttpBytes.nextComma(buffer, i, ve);
            int s = HttpBytes.skipWhitespace(buffer, i, comma);
            int e = HttpBytes.trimWhitespaceEnd(buffer, s, comma);
            // RFC 9110 section 5.6.1: empty list elements are not counted.
            if (s < e) {
                if (HttpBytes.equalsIgnoreCase(buffer, s, e, CHUNKED)) {
                    // RFC 9112 section 7: chunked is never applied twice.
                    if (chunkedSeen) {
                        return HttpError.BAD_TRANSFER_ENCODING;
                    }
                    chunkedSeen = true;
                    chunkedLast = true;
                } else {
                    if (!HttpBytes.isTchar(at(buffer, s))) {
                        return HttpError.BAD_TRANSFER_ENCODING;
                    }
                    chunkedLast = false;
                    otherCodingSeen = true;
                }
            }
            i = comma + 1;
        } while (i <= ve);
        return null;
    }

    /**
     * The whole header section is known: the checks that need every field, then
     * the framing. Returns why the head is refused, or null.
     */
    HttpError end(int minorVersion, int statusCode, Method requestMethod) {
        if (kind == MessageKind.REQUEST) {
            if (hostCount > 1) {
                return HttpError.DUPLICATE_HOST;
            }
            if (hostCount == 0 && minorVersion == 1) {
                return HttpError.MISSING_HOST;
            }
        }
        if (transferEncodingSeen) {
            if (minorVersion == 0) {
                return HttpError.TRANSFER_ENCODING_IN_HTTP10;
            }
            if (contentLengthSeen) {
                return HttpError.CONTENT_LENGTH_WITH_TRANSFER_ENCODING;
            }
            if (!chunkedSeen && !otherCodingSeen) {
                return HttpError.BAD_TRANSFER_ENCODING;
            }
            if (!chunkedLast) {
                return HttpError.CHUNKED_NOT_FINAL;
            }
            if (otherCodingSeen) {
                return HttpError.UNSUPPORTED_TRANSFER_CODING;
            }
        }
        framing = decideFraming(statusCode, requestMethod);
        return null;
    }

    private BodyFraming decideFraming(int statusCode, Method requestMethod) {
        if (kind == MessageKind.RESPONSE) {
            boolean noBody = statusCode < 200 || statusCode == 204 || statusCode == 304
                    || requestMethod == Method.HEAD
                    || (requestMethod == Method.CONNECT && statusCode < 300);
            if (noBody) {
                return BodyFraming.NONE;
            }
        }
        if (transferEncodingSeen) {
            return BodyFraming.CHUNKED;
        }
        if (contentLengthSeen) {
            return contentLength == 0 ? BodyFraming.NONE : BodyFraming.CONTENT_LENGTH;
        }
        return kind == MessageKind.RESPONSE ? BodyFraming.UNTIL_CLOSE : BodyFraming.NONE;
    }

    /** How the body is framed, once the head is complete; null before. */
    BodyFraming framing() {
        return framing;
    }

    /** The body's length for {@link BodyFraming#CONTENT_LENGTH}; -1 when no Content-Length was sent. */
    long contentLength() {
        return contentLength;
    }

    /**
     * Whether the head carries its length as one Content-Length line holding one
     * number without leading zeros. A list ({@code 5, 5}), a repeated line or
     * {@code 05} is valid when every element agrees, but it is forwarded in that
     * canonical form only: a recipient that reads lists differently must not see one.
     */
    boolean contentLengthIsCanonical() {
        return !contentLengthSeen || contentLengthFields == 1 && contentLengthCanonical;
    }

    /** The Connection options seen, as {@link ConnectionOptions} bits. */
    int connectionOptions() {
        return connectionOptions;
    }
}
