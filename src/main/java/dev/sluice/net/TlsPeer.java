package dev.sluice.net;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import javax.security.auth.x500.X500Principal;

/**
 * What a TLS client's certificate says, as HAProxy's {@code ssl_c_*} fetches
 * give it: the subject's and the issuer's distinguished names in OpenSSL's
 * one-line form ({@code /C=FR/O=Example/CN=client}) or RFC 2253, an entry of
 * them ({@code ssl_c_s_dn(CN)}), the validity dates as {@code YYMMDDhhmmssZ},
 * the serial number's bytes and the SHA-1 fingerprint. Worked out once, when
 * the handshake ends, so that reading them for each request allocates
 * nothing.
 *
 * <p>Immutable; safe to read from any thread.
 */
public final class TlsPeer {
    /** The attribute names OpenSSL writes that RFC 2253 leaves as object identifiers. */
    private static final Map<String, String> NAMES = Map.of("1.2.840.113549.1.9.1", "emailAddress",
            "2.5.4.5", "serialNumber", "2.5.4.4", "SN", "2.5.4.42", "GN", "2.5.4.12", "title", "2.5.4.17",
            "postalCode", "2.5.4.46", "dnQualifier", "2.5.4.65", "pseudonym");

    /** One distinguished name: its entries in the certificate's order, and its two written forms. */
    public record Name(String[] types, String[] values, String oneLine, String rfc2253) {
        /**
         * The value of the {@code occurrence}th entry of {@code type} (any
         * case): 1 the first from the start, -1 the first from the end; null if none.
         */
        public String entry(String type, int occurrence) {
            int seen = 0;
            if (occurrence > 0) {
                for (int i = 0; i < types.length; i++) {
                    if (types[i].equalsIgnoreCase(type) && ++seen == occurrence) {
                        return values[i];
                    }
                }
            } else {
                for (int i = types.length - 1; i >= 0; i--) {
                    if (types[i].equalsIgnoreCase(type) && --seen == occurrence) {
                        return values[i];
                    }
                }
            }
            return null;
        }
    }

    private final Name subject;
    private final Name issuer;
    private final String notBefore;
    private final String notAfter;
    private final byte[] serial;
    private final byte[] sha1;

    private TlsPeer(X509Certificate c) {
        subject = name(c.getSubjectX500Principal());
        issuer = name(c.getIssuerX500Principal());
        notBefore = asn1Time(c.getNotBefore());
        notAfter = asn1Time(c.getNotAfter());
        // The integer's magnitude, as OpenSSL keeps it: no sign byte before a high bit.
        byte[] s = c.getSerialNumber().abs().toByteArray();
        serial = s.length > 1 && s[0] == 0 ? java.util.Arrays.copyOfRange(s, 1, s.length) : s;
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-1").digest(c.getEncoded());
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            digest = new byte[0];
        }
        sha1 = digest;
    }

    /** The peer of {@code engine}'s session: its first certificate, or null when it gave none. */
    static TlsPeer of(javax.net.ssl.SSLEngine engine) {
        try {
            java.security.cert.Certificate[] chain = engine.getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x ? new TlsPeer(x) : null;
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return null;
        }
    }

    /** For tests: the certificate {@code c}'s reading. */
    public static TlsPeer of(X509Certificate c) {
        return new TlsPeer(c);
    }

    /**
     * The entries of {@code p} in the certificate's order. RFC 2253 writes
     * them last first; its escapes ({@code \,}, {@code \+}, {@code \XX}) are
     * read back.
     */
    private static Name name(X500Principal p) {
        String rfc = p.getName(X500Principal.RFC2253, NAMES);
        List<String> rdns = split(rfc, ',');
        List<String> types = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int i = rdns.size() - 1; i >= 0; i--) {
            for (String ava : split(rdns.get(i), '+')) {
                int eq = ava.indexOf('=');
                types.add(ava.substring(0, eq));
                values.add(unescape(ava.substring(eq + 1)));
            }
        }
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < types.size(); i++) {
            line.append('/').append(types.get(i)).append('=').append(values.get(i));
        }
        return new Name(types.toArray(new String[0]), values.toArray(new String[0]), line.toString(), rfc);
    }

    /** {@code text} split at each {@code sep} that no backslash escapes. */
    private static List<String> split(String text, char sep) {
        List<String> parts = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == sep) {
                parts.add(text.substring(from, i));
                from = i + 1;
            }
        }
        parts.add(text.substring(from));
        return parts;
    }

    private static String unescape(String v) {
        if (v.startsWith("#")) {
            return v; // a value RFC 2253 gives as hexadecimal DER: kept as written
        }
        StringBuilder out = new StringBuilder(v.length());
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\' && i + 1 < v.length()) {
                char n = v.charAt(i + 1);
                int hi = Character.digit(n, 16);
                int lo = i + 2 < v.length() ? Character.digit(v.charAt(i + 2), 16) : -1;
                if (hi >= 0 && lo >= 0) {
                    bytes.write(hi * 16 + lo);
                    i += 2;
                    continue;
                }
                flush(bytes, out);
                out.append(n);
                i++;
                continue;
            }
            flush(bytes, out);
            out.append(c);
        }
        flush(bytes, out);
        return out.toString();
    }

    private static void flush(java.io.ByteArrayOutputStream bytes, StringBuilder out) {
        if (bytes.size() > 0) {
            out.append(bytes.toString(java.nio.charset.StandardCharsets.UTF_8));
            bytes.reset();
        }
    }

    /** ASN.1 UTCTime as OpenSSL prints it, {@code YYMMDDhhmmssZ}, in UTC. */
    private static String asn1Time(Date d) {
        SimpleDateFormat f = new SimpleDateFormat("yyMMddHHmmss'Z'", Locale.ROOT);
        f.setTimeZone(TimeZone.getTimeZone("UTC"));
        return f.format(d);
    }

    public Name subject() {
        return subject;
    }

    public Name issuer() {
        return issuer;
    }

    public String notBefore() {
        return notBefore;
    }

    public String notAfter() {
        return notAfter;
    }

    /** The serial number's bytes, big-endian, without a sign byte. Not to be modified. */
    public byte[] serial() {
        return serial;
    }

    /** The SHA-1 of the certificate's DER encoding. Not to be modified. */
    public byte[] sha1() {
        return sha1;
    }

    /** The serial number, for messages. */
    @Override
    public String toString() {
        return subject.oneLine() + " (serial " + new BigInteger(1, serial).toString(16) + ")";
    }
}
