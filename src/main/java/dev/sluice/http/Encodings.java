package dev.sluice.http;

/**
 * The {@code hex} and {@code base64} converters of sample expressions,
 * applied in place to a rendered value: HAProxy's {@code hex} writes each
 * byte as two upper-case digits, {@code base64} is RFC 4648's with padding.
 * The value is copied to a scratch array of the thread first, so the longer
 * form can be written over it; what passes the end of the output is cut.
 */
final class Encodings {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final ThreadLocal<byte[]> COPY = ThreadLocal.withInitial(() -> new byte[FieldTemplate.SCRATCH]);

    private Encodings() {
    }

    /** Encodes {@code out[from, end)} there; returns the new end. */
    static int encode(boolean hex, byte[] out, int from, int end) {
        byte[] copy = COPY.get();
        int n = Math.min(end - from, copy.length);
        System.arraycopy(out, from, copy, 0, n);
        int at = from;
        if (hex) {
            for (int i = 0; i < n && at + 1 < out.length; i++) {
                out[at++] = HEX[(copy[i] >> 4) & 0xF];
                out[at++] = HEX[copy[i] & 0xF];
            }
            return at;
        }
        for (int i = 0; i < n && at + 3 < out.length; i += 3) {
            int b0 = copy[i] & 0xFF;
            int b1 = i + 1 < n ? copy[i + 1] & 0xFF : 0;
            int b2 = i + 2 < n ? copy[i + 2] & 0xFF : 0;
            out[at++] = B64[b0 >> 2];
            out[at++] = B64[(b0 & 3) << 4 | b1 >> 4];
            out[at++] = i + 1 < n ? B64[(b1 & 0xF) << 2 | b2 >> 6] : (byte) '=';
            out[at++] = i + 2 < n ? B64[b2 & 0x3F] : (byte) '=';
        }
        return at;
    }
}
