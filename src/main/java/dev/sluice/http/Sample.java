package dev.sluice.http;

import dev.sluice.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A sample expression, HAProxy's {@code FETCH[(ARGS)][,CONVERTER]...}, as
 * {@code %[...]} in a header value and as the value of {@code set-var}: a
 * fetch that reads the request or its connection, then converters applied in
 * order. It renders its value as bytes into a caller's array, in place,
 * allocating nothing (a {@code var} fetch reads the string it stored).
 *
 * <p>The fetches: {@code src}, {@code dst} (an address in text),
 * {@code src_port}, {@code dst_port}, {@code method}, {@code path},
 * {@code query}, {@code url}, {@code req.hdr(NAME[,OCC])} and {@code hdr}
 * (one comma-separated value; the last one by default, as HAProxy's
 * occurrence -1), {@code req.fhdr(NAME[,OCC])} (a whole field value, the last
 * by default), {@code ssl_fc} ({@code 1} or {@code 0}), {@code ssl_fc_sni},
 * {@code ssl_fc_protocol}, {@code ssl_fc_cipher}, {@code var(NAME)} and
 * {@code str(TEXT)}. The converters: {@code lower} and {@code upper}. A fetch
 * that finds nothing renders nothing.
 *
 * <p>Immutable; safe to share between loops.
 */
public final class Sample {
    private enum Source {
        SRC, DST, SRC_PORT, DST_PORT, METHOD, PATH, QUERY, URL, HDR, FHDR, SSL_FC, SSL_FC_SNI, SSL_FC_PROTOCOL,
        SSL_FC_CIPHER, VAR, STR, SSL_C_S_DN, SSL_C_I_DN, SSL_C_NOTBEFORE, SSL_C_NOTAFTER, SSL_C_SERIAL, SSL_C_SHA1,
        SSL_C_USED, SSL_C_VERIFY;

        /** Whether the fetch reads the request head (unavailable once it went out, to a response's rules). */
        boolean readsRequest() {
            return this == METHOD || this == PATH || this == QUERY || this == URL || this == HDR || this == FHDR;
        }
    }

    private enum Converter { LOWER, UPPER, HEX, BASE64 }

    private final String text;
    private final Source source;
    /** The header name of {@code hdr} and {@code fhdr}, lower case; the bytes of {@code str}. */
    private final byte[] argument;
    /** The interned name of {@code var}. */
    private final String var;
    /** Which occurrence of a header: 1 the first, -1 the last. */
    private final int occurrence;
    private final Converter[] converters;
    /** Of {@code ssl_c_s_dn} and {@code ssl_c_i_dn}: the entry asked for, or null for the whole name. */
    private String entry;
    /** Of {@code ssl_c_s_dn} and {@code ssl_c_i_dn}: the whole name in RFC 2253's form, not OpenSSL's one line. */
    private boolean rfc2253;

    private Sample(String text, Source source, byte[] argument, String var, int occurrence, Converter[] converters) {
        this.text = text;
        this.source = source;
        this.argument = argument;
        this.var = var;
        this.occurrence = occurrence;
        this.converters = converters;
    }

    /**
     * Compiles {@code text}.
     *
     * @throws IllegalArgumentException naming what Sluice does not support, or what is malformed
     */
    public static Sample parse(String text) {
        List<String> parts = splitTop(text.trim());
        String fetch = parts.get(0);
        String name = fetch;
        List<String> args = List.of();
        int open = fetch.indexOf('(');
        if (open >= 0) {
            if (!fetch.endsWith(")")) {
                throw new IllegalArgumentException("sample '" + text + "': missing ')' after the fetch's arguments");
            }
            name = fetch.substring(0, open);
            args = List.of(fetch.substring(open + 1, fetch.length() - 1).split(",", -1));
        }
        Source source = switch (name) {
            case "src" -> Source.SRC;
            case "dst" -> Source.DST;
            case "src_port" -> Source.SRC_PORT;
            case "dst_port" -> Source.DST_PORT;
            case "method" -> Source.METHOD;
            case "path" -> Source.PATH;
            case "query" -> Source.QUERY;
            case "url" -> Source.URL;
            case "req.hdr", "hdr" -> Source.HDR;
            case "req.fhdr" -> Source.FHDR;
            case "ssl_fc" -> Source.SSL_FC;
            case "ssl_fc_sni" -> Source.SSL_FC_SNI;
            case "ssl_fc_protocol" -> Source.SSL_FC_PROTOCOL;
            case "ssl_fc_cipher" -> Source.SSL_FC_CIPHER;
            case "var" -> Source.VAR;
            case "str" -> Source.STR;
            case "ssl_c_s_dn" -> Source.SSL_C_S_DN;
            case "ssl_c_i_dn" -> Source.SSL_C_I_DN;
            case "ssl_c_notbefore" -> Source.SSL_C_NOTBEFORE;
            case "ssl_c_notafter" -> Source.SSL_C_NOTAFTER;
            case "ssl_c_serial" -> Source.SSL_C_SERIAL;
            case "ssl_c_sha1" -> Source.SSL_C_SHA1;
            case "ssl_c_used" -> Source.SSL_C_USED;
            case "ssl_c_verify" -> Source.SSL_C_VERIFY;
            default -> throw new IllegalArgumentException("sample fetch '" + name + "' is not supported by Sluice"
                    + " (supported: src, dst, src_port, dst_port, method, path, query, url, req.hdr(NAME[,OCC]),"
                    + " hdr(NAME[,OCC]), req.fhdr(NAME[,OCC]), ssl_fc, ssl_fc_sni, ssl_fc_protocol, ssl_fc_cipher,"
                    + " var(NAME), str(TEXT), ssl_c_s_dn([ENTRY[,OCC[,FORMAT]]]), ssl_c_i_dn(...), ssl_c_notbefore,"
                    + " ssl_c_notafter, ssl_c_serial, ssl_c_sha1, ssl_c_used, ssl_c_verify)");
        };
        boolean takesArgs = source == Source.HDR || source == Source.FHDR || source == Source.VAR
                || source == Source.STR || source == Source.SSL_C_S_DN || source == Source.SSL_C_I_DN;
        if (!takesArgs && open >= 0 && !(args.size() == 1 && args.get(0).isEmpty())) {
            throw new IllegalArgumentException("sample fetch '" + name + "' takes no argument");
        }
        byte[] argument = null;
        String var = null;
        int occurrence = -1;
        switch (source) {
            case HDR, FHDR -> {
                if (args.isEmpty() || args.get(0).isEmpty() || args.size() > 2) {
                    throw new IllegalArgumentException("sample fetch '" + name + "' needs a header name, and"
                            + " optionally an occurrence: " + name + "(NAME[,OCC])");
                }
                Acl.checkFieldName(args.get(0).trim());
                argument = Acl.lowerAscii(args.get(0).trim());
                if (args.size() == 2) {
                    try {
                        occurrence = Integer.parseInt(args.get(1).trim());
                    } catch (NumberFormatException e) {
                        occurrence = 0;
                    }
                    if (occurrence == 0) {
                        throw new IllegalArgumentException("sample fetch '" + name + "': the occurrence is a"
                                + " number other than 0 (1 the first, -1 the last), got '" + args.get(1) + "'");
                    }
                }
            }
            case VAR -> {
                if (args.size() != 1) {
                    throw new IllegalArgumentException("sample fetch 'var' takes one variable name (a default value"
                            + " is not supported by Sluice)");
                }
                var = Vars.name(args.get(0).trim());
            }
            case STR -> {
                if (open < 0) {
                    throw new IllegalArgumentException("sample fetch 'str' needs its text: str(TEXT)");
                }
                String s = fetch.substring(open + 1, fetch.length() - 1);
                HeaderRule.checkFieldValue(s);
                argument = s.getBytes(StandardCharsets.UTF_8);
            }
            default -> {
            }
        }
        String entry = null;
        boolean rfc2253 = false;
        if ((source == Source.SSL_C_S_DN || source == Source.SSL_C_I_DN) && open >= 0) {
            if (args.size() > 3) {
                throw new IllegalArgumentException("sample fetch '" + name + "' takes at most an entry, an occurrence"
                        + " and a format: " + name + "([ENTRY[,OCC[,FORMAT]]])");
            }
            entry = args.get(0).trim().isEmpty() ? null : args.get(0).trim();
            occurrence = 1;
            if (args.size() >= 2) {
                try {
                    occurrence = Integer.parseInt(args.get(1).trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("sample fetch '" + name + "': the occurrence is a number, got '"
                            + args.get(1) + "'");
                }
                if (occurrence == 0 && entry != null) {
                    throw new IllegalArgumentException("sample fetch '" + name + "': the occurrence of an entry is a"
                            + " number other than 0 (1 the first, -1 the last)");
                }
            }
            if (args.size() == 3) {
                if (!args.get(2).trim().equals("rfc2253")) {
                    throw new IllegalArgumentException("sample fetch '" + name + "': the format is rfc2253, got '"
                            + args.get(2).trim() + "'");
                }
                rfc2253 = true;
            }
        }
        Converter[] converters = new Converter[parts.size() - 1];
        for (int i = 1; i < parts.size(); i++) {
            converters[i - 1] = switch (parts.get(i).trim()) {
                case "lower" -> Converter.LOWER;
                case "upper" -> Converter.UPPER;
                case "hex" -> Converter.HEX;
                case "base64" -> Converter.BASE64;
                default -> throw new IllegalArgumentException("converter '" + parts.get(i).trim() + "' is not"
                        + " supported by Sluice (supported: lower, upper, hex, base64)");
            };
        }
        Sample sample = new Sample(text, source, argument, var, occurrence, converters);
        sample.entry = entry;
        sample.rfc2253 = rfc2253;
        return sample;
    }

    /** {@code text} split at the commas outside parentheses: the fetch, then each converter. */
    private static List<String> splitTop(String text) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(text.substring(from, i));
                from = i + 1;
            }
        }
        parts.add(text.substring(from));
        if (depth != 0 || parts.get(0).isEmpty()) {
            throw new IllegalArgumentException("sample '" + text + "': unbalanced parentheses or no fetch");
        }
        return parts;
    }

    /** Whether it reads the request head, which a response's rules no longer have. */
    public boolean readsRequest() {
        return source.readsRequest();
    }

    /**
     * Renders the value at {@code out[at]}, in at most {@code out.length - at}
     * bytes (a longer value is cut there).
     *
     * @param request the request head, or null in a response's rules
     * @return the index after the value (equal to {@code at} when the fetch found nothing)
     */
    public int render(HttpRequestView request, ConnectionAddresses connection, byte[] out, int at) {
        int end = fetch(request, connection, out, at);
        for (Converter c : converters) {
            if (c == Converter.HEX || c == Converter.BASE64) {
                end = Encodings.encode(c == Converter.HEX, out, at, end);
                continue;
            }
            for (int i = at; i < end; i++) {
                byte b = out[i];
                if (c == Converter.LOWER && b >= 'A' && b <= 'Z') {
                    out[i] = (byte) (b + ('a' - 'A'));
                } else if (c == Converter.UPPER && b >= 'a' && b <= 'z') {
                    out[i] = (byte) (b - ('a' - 'A'));
                }
            }
        }
        return end;
    }

    private int fetch(HttpRequestView r, ConnectionAddresses c, byte[] out, int at) {
        switch (source) {
            case SRC -> {
                return dev.sluice.util.IpText.write(c.client(), c.client().length, out, at, out.length);
            }
            case DST -> {
                return dev.sluice.util.IpText.write(c.destination(), c.destination().length, out, at, out.length);
            }
            case SRC_PORT -> {
                return c.client().length == 0 ? at : dev.sluice.util.IpText.decimal(c.clientPort(), out, at, out.length);
            }
            case DST_PORT -> {
                return c.destination().length == 0 ? at : dev.sluice.util.IpText.decimal(c.destinationPort(), out, at, out.length);
            }
            case SSL_FC -> {
                return copy(c.tls() ? ONE : ZERO, out, at);
            }
            case SSL_FC_SNI -> {
                return copy(c.tlsServerName(), out, at);
            }
            case SSL_FC_PROTOCOL -> {
                return copy(c.tlsProtocol(), out, at);
            }
            case SSL_FC_CIPHER -> {
                return c.tls() ? copy(c.tlsCipher(), out, at) : at;
            }
            case VAR -> {
                return copy(c.vars() == null ? null : c.vars().get(var), out, at);
            }
            case STR -> {
                return copy(argument, out, at);
            }
            case SSL_C_USED -> {
                return copy(c.tlsClientCertificate() ? ONE : ZERO, out, at);
            }
            case SSL_C_VERIFY -> {
                // A certificate that does not check out fails the handshake: a connection that has one, 0.
                return c.tls() ? copy(ZERO, out, at) : at;
            }
            case SSL_C_S_DN, SSL_C_I_DN, SSL_C_NOTBEFORE, SSL_C_NOTAFTER, SSL_C_SERIAL, SSL_C_SHA1 -> {
                return certificate(c.tlsPeer(), out, at);
            }
            default -> {
                return r == null ? at : fromHead(r, out, at);
            }
        }
    }

    /** What the client's certificate says; nothing without one. */
    private int certificate(dev.sluice.net.TlsPeer peer, byte[] out, int at) {
        if (peer == null) {
            return at;
        }
        switch (source) {
            case SSL_C_NOTBEFORE -> {
                return copy(peer.notBefore(), out, at);
            }
            case SSL_C_NOTAFTER -> {
                return copy(peer.notAfter(), out, at);
            }
            case SSL_C_SERIAL -> {
                return copy(peer.serial(), out, at);
            }
            case SSL_C_SHA1 -> {
                return copy(peer.sha1(), out, at);
            }
            default -> {
                dev.sluice.net.TlsPeer.Name n = source == Source.SSL_C_S_DN ? peer.subject() : peer.issuer();
                if (entry != null) {
                    return copyUtf8(n.entry(entry, occurrence), out, at);
                }
                return copyUtf8(rfc2253 ? n.rfc2253() : n.oneLine(), out, at);
            }
        }
    }

    /** A string's UTF-8 bytes (a name's letters past ASCII), cut at the end of {@code out}. */
    private static int copyUtf8(String s, byte[] out, int at) {
        if (s == null) {
            return at;
        }
        boolean ascii = true;
        for (int i = 0; i < s.length() && ascii; i++) {
            ascii = s.charAt(i) < 0x80;
        }
        return ascii ? copy(s, out, at) : copy(s.getBytes(StandardCharsets.UTF_8), out, at);
    }

    private int fromHead(HttpRequestView r, byte[] out, int at) {
        Buffer b = r.buffer();
        switch (source) {
            case METHOD -> {
                return copy(b, r.methodStart(), r.methodEnd(), out, at);
            }
            case URL -> {
                return copy(b, r.targetStart(), r.targetEnd(), out, at);
            }
            case PATH -> {
                long range = Acl.pathRange(b, r.targetStart(), r.targetEnd());
                return range < 0 ? at : copy(b, (int) (range >>> 32), (int) range, out, at);
            }
            case QUERY -> {
                for (int i = r.targetStart(); i < r.targetEnd(); i++) {
                    if (b.get(i) == '?') {
                        return copy(b, i + 1, r.targetEnd(), out, at);
                    }
                }
                return at;
            }
            default -> {
                return header(r, out, at);
            }
        }
    }

    /** The header value {@link #occurrence} names: a comma-separated element for hdr, a whole field for fhdr. */
    private int header(HttpRequestView r, byte[] out, int at) {
        long range = source == Source.FHDR ? HeaderValues.field(r, argument, occurrence)
                : HeaderValues.element(r, argument, occurrence);
        return range < 0 ? at : copy(r.buffer(), (int) (range >>> 32), (int) range, out, at);
    }

    private static final byte[] ONE = {'1'};
    private static final byte[] ZERO = {'0'};

    private static int copy(Buffer b, int start, int end, byte[] out, int at) {
        int n = Math.min(end - start, out.length - at);
        for (int i = 0; i < n; i++) {
            out[at + i] = b.get(start + i);
        }
        return at + n;
    }

    private static int copy(byte[] bytes, byte[] out, int at) {
        int n = Math.min(bytes.length, out.length - at);
        System.arraycopy(bytes, 0, out, at, n);
        return at + n;
    }

    /** A string's characters, each as one byte (Latin-1, as head bytes are read); null renders nothing. */
    private static int copy(String s, byte[] out, int at) {
        if (s == null) {
            return at;
        }
        int n = Math.min(s.length(), out.length - at);
        for (int i = 0; i < n; i++) {
            out[at + i] = (byte) s.charAt(i);
        }
        return at + n;
    }

    @Override
    public String toString() {
        return text;
    }
}
