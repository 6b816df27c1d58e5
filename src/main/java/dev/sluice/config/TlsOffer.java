package dev.sluice.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The versions and suites one side of TLS offers, as a bind or server line
 * writes them ({@code ciphers}, {@code ciphersuites}, {@code ssl-min-ver},
 * {@code ssl-max-ver}, {@code no-sslv3}, {@code no-tlsv10} to {@code
 * no-tlsv13}), or its global defaults ({@code ssl-default-bind-*} and {@code
 * ssl-default-server-*}); resolved against those defaults once the file is read.
 *
 * <p>Not thread-safe: used by one parser.
 */
final class TlsOffer {
    /** The protocol versions in order, as the file names them and as the JDK does. */
    static final List<String> VERSIONS = List.of("TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3");
    private static final List<String> JDK_VERSIONS = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    String ciphers;
    String ciphersuites;
    String minVersion;
    String maxVersion;
    final Set<String> without = new LinkedHashSet<>();

    TlsOffer() {
    }

    /** What a {@code default-server} line left, for the next line to start from. */
    TlsOffer(TlsOffer d) {
        ciphers = d.ciphers;
        ciphersuites = d.ciphersuites;
        minVersion = d.minVersion;
        maxVersion = d.maxVersion;
        without.addAll(d.without);
    }

    /** The line's options that set an offer, on {@code sink}, each writing into {@code of}'s. */
    static <T> void register(KeywordSink<T> sink, Function<T, TlsOffer> of) {
        sink.single("ciphers", "<openssl cipher list>", (t, use) -> of.apply(t).ciphers = use.arg(0))
                .single("ciphersuites", "<tls 1.3 suites>", (t, use) -> of.apply(t).ciphersuites = use.arg(0))
                .single("ssl-min-ver", "TLSv1.0|TLSv1.1|TLSv1.2|TLSv1.3",
                        (t, use) -> of.apply(t).minVersion = version(use, use.arg(0)))
                .single("ssl-max-ver", "TLSv1.0|TLSv1.1|TLSv1.2|TLSv1.3",
                        (t, use) -> of.apply(t).maxVersion = version(use, use.arg(0)))
                .flag("no-sslv3", (t, use) -> { })
                .flag("no-tlsv10", (t, use) -> of.apply(t).without.add("TLSv1.0"))
                .flag("no-tlsv11", (t, use) -> of.apply(t).without.add("TLSv1.1"))
                .flag("no-tlsv12", (t, use) -> of.apply(t).without.add("TLSv1.2"))
                .flag("no-tlsv13", (t, use) -> of.apply(t).without.add("TLSv1.3"));
    }

    /** A word of an {@code ssl-default-*-options} line that is not one of the offer's own. */
    interface OtherOption {
        void take(String option) throws ConfigException;
    }

    /**
     * Every word of an {@code ssl-default-*-options} line: those that set the
     * offer (see {@link #option}) go here, each other one to {@code other}.
     */
    void options(Invocation use, OtherOption other) throws ConfigException {
        List<String> args = use.args();
        for (int i = 0; i < args.size(); i++) {
            int last = option(use, args, i);
            if (last >= 0) {
                i = last;
            } else {
                other.take(args.get(i));
            }
        }
    }

    /**
     * One option of an {@code ssl-default-*-options} line that sets the offer
     * ({@code no-sslv3}, {@code no-tlsv1x}, {@code ssl-min-ver V}, {@code
     * ssl-max-ver V}), at {@code args[i]}: the index of its last word, or -1
     * when it is not one of them.
     */
    int option(Invocation use, List<String> args, int i) throws ConfigException {
        String o = args.get(i);
        switch (o) {
            case "no-sslv3" -> { }
            case "no-tlsv10" -> without.add("TLSv1.0");
            case "no-tlsv11" -> without.add("TLSv1.1");
            case "no-tlsv12" -> without.add("TLSv1.2");
            case "no-tlsv13" -> without.add("TLSv1.3");
            case "ssl-min-ver", "ssl-max-ver" -> {
                if (i + 1 >= args.size()) {
                    throw use.error(o + " needs a version: TLSv1.2 or TLSv1.3");
                }
                String v = version(use, args.get(i + 1));
                if (o.equals("ssl-min-ver")) {
                    minVersion = v;
                } else {
                    maxVersion = v;
                }
                return i + 1;
            }
            default -> {
                return -1;
            }
        }
        return i;
    }

    /** The version an {@code ssl-min-ver} or {@code ssl-max-ver} names, checked. */
    static String version(Invocation use, String text) throws ConfigException {
        if (text.equals("SSLv3")) {
            throw use.error("SSLv3 is broken and the JDK no longer speaks it; write TLSv1.2 or TLSv1.3");
        }
        if (!VERSIONS.contains(text)) {
            throw use.error("expected one of " + String.join(", ", VERSIONS) + ", got '" + text + "'");
        }
        return text;
    }

    /**
     * The JDK's names of the suites (TLS 1.3 first, then TLS 1.2), from this
     * offer or, where it says nothing, {@code defaults}; the JDK's defaults for
     * a version neither names; null when neither names any.
     */
    List<String> suites(TlsOffer defaults, String file, int line) throws ConfigException {
        String twelve = ciphers != null ? ciphers : defaults.ciphers;
        String thirteen = ciphersuites != null ? ciphersuites : defaults.ciphersuites;
        if (twelve == null && thirteen == null) {
            return null;
        }
        List<String> suites = new ArrayList<>(thirteen != null ? TlsCipherNames.tls13(thirteen, file, line)
                : TlsCipherNames.tls13Defaults());
        suites.addAll(twelve != null ? TlsCipherNames.tls12(twelve, file, line) : TlsCipherNames.tls12Defaults());
        return suites;
    }

    /**
     * The JDK's names of the versions from the minimum (TLSv1.2 when neither
     * this offer nor {@code defaults} sets one) to the maximum (TLSv1.3), less
     * those either turns off; {@code what} names the line in a refusal.
     */
    List<String> protocols(TlsOffer defaults, String what, String file, int line) throws ConfigException {
        String from = minVersion != null ? minVersion : defaults.minVersion != null ? defaults.minVersion : "TLSv1.2";
        String to = maxVersion != null ? maxVersion : defaults.maxVersion != null ? defaults.maxVersion : "TLSv1.3";
        List<String> enabled = new ArrayList<>();
        for (int i = VERSIONS.indexOf(from); i <= VERSIONS.indexOf(to); i++) {
            String v = VERSIONS.get(i);
            if (!without.contains(v) && !defaults.without.contains(v)) {
                enabled.add(JDK_VERSIONS.get(i));
            }
        }
        if (enabled.isEmpty()) {
            throw new ConfigException(file, line, what + ": no TLS version is left between " + from + " and " + to
                    + " once the no-tlsv* options are applied");
        }
        return enabled;
    }
}
