package dev.sluice.config;

import dev.sluice.net.PemKeyMaterial;
import dev.sluice.net.SniCertificate;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The TLS values of one {@code bind} line while the file is read, and the
 * global defaults ({@code crt-base}, {@code ssl-default-bind-*}) that fill
 * what the line leaves out; {@link #resolve} makes the {@link TlsBindConfig}
 * once the whole file is read, so that the global section may stand anywhere.
 *
 * <p>Not thread-safe: used by one parser.
 */
final class TlsSettings {
    /** The protocol versions in order, as the file names them and as the JDK does. */
    static final List<String> VERSIONS = List.of("TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3");
    private static final List<String> JDK_VERSIONS = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    /** HAProxy's defaults for {@code tune.ssl.cachesize} and {@code tune.ssl.lifetime}. */
    static final int DEFAULT_CACHE_SIZE = 20000;
    static final int DEFAULT_LIFETIME_SECONDS = 300;

    /** A {@code crt FILE|DIR} or a {@code crt-list FILE} option, in the line's order. */
    record CertSource(String path, boolean list) {}

    boolean ssl;
    final List<CertSource> crts = new ArrayList<>();
    /** {@code strict-sni} (true) or {@code no-strict-sni} (false) on the line; null when it says neither. */
    Boolean strictSni;
    List<String> alpn;
    String ciphers;
    String ciphersuites;
    /** {@code curves} ({@code ssl-default-bind-curves} in the global section), in the JDK's names. */
    List<String> curves;
    /** {@code ecdhe}: one curve, used when no {@code curves} list applies. */
    List<String> ecdhe;
    String minVersion;
    String maxVersion;
    final Set<String> without = new LinkedHashSet<>();
    boolean preferClientCiphers;
    /** Global only: the directory relative crt paths start from. */
    String crtBase;
    /** Global only: the directory relative {@code ca-file} and {@code crl-file} paths would start from. */
    String caBase;
    /** {@code verify} on a bind line: none, optional or required; null for none. */
    dev.sluice.net.TlsServerContext.ClientAuth verify;
    /** {@code ca-file} on a bind line, or null. */
    String caFile;
    /** Global only: {@code tune.ssl.cachesize}, or null. */
    Integer cacheSize;
    /** Global only: {@code tune.ssl.lifetime} in seconds, or null. */
    Integer lifetimeSeconds;
    /** Global only: {@code tune.ssl.default-dh-param}, or 0. */
    int dhParamBits;
    /** Global only, for servers: {@code ssl-default-server-ciphers} and {@code -ciphersuites}, or null. */
    String serverCiphers;
    String serverCiphersuites;
    /** Global only, for servers: {@code ssl-default-server-options}' versions, or null / none. */
    String serverMinVersion;
    String serverMaxVersion;
    final Set<String> serverWithout = new LinkedHashSet<>();
    /** Global only, for servers: {@code ssl-default-server-options no-ssl-reuse}. */
    boolean serverNoReuse;
    /** Global only: {@code ssl-server-verify} ({@code required} true, {@code none} false), or null (required). */
    Boolean serverVerify;

    /** The version after {@code ssl-min-ver} or {@code ssl-max-ver} at {@code args[i]} of a {@code -options} line. */
    static String versionAfter(Invocation use, List<String> args, int i) throws ConfigException {
        if (i + 1 >= args.size()) {
            throw use.error(args.get(i) + " needs a version: TLSv1.2 or TLSv1.3");
        }
        return version(use, args.get(i + 1));
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
     * The line's TLS with the defaults applied and its certificates read;
     * null for a line without {@code ssl}.
     */
    TlsBindConfig resolve(TlsSettings defaults, String file, int line) throws ConfigException {
        if (!ssl) {
            if (!crts.isEmpty() || alpn != null || ciphers != null || ciphersuites != null || curves != null
                    || ecdhe != null || strictSni != null || verify != null || caFile != null) {
                throw new ConfigException(file, line, "bind: TLS options without 'ssl'; add ssl to the line");
            }
            return null;
        }
        if (crts.isEmpty()) {
            throw new ConfigException(file, line, "bind: 'ssl' needs at least one 'crt FILE|DIR' or 'crt-list FILE'");
        }
        List<SniCertificate> certificates = new ArrayList<>();
        for (CertSource crt : crts) {
            Path path = based(crt.path(), defaults.crtBase);
            if (crt.list()) {
                certificates.addAll(CrtList.read(path, defaults.crtBase, file, line));
                continue;
            }
            for (Path one : pemFiles(path, file, line)) {
                certificates.add(SniCertificate.of(load(one, "crt " + crt.path(), file, line)));
            }
        }
        String twelve = ciphers != null ? ciphers : defaults.ciphers;
        String thirteen = ciphersuites != null ? ciphersuites : defaults.ciphersuites;
        List<String> suites = null;
        if (twelve != null || thirteen != null) {
            suites = new ArrayList<>();
            if (thirteen != null) {
                suites.addAll(TlsCipherNames.tls13(thirteen, file, line));
            } else {
                suites.addAll(TlsCipherNames.tls13Defaults());
            }
            if (twelve != null) {
                suites.addAll(TlsCipherNames.tls12(twelve, file, line));
            } else {
                suites.addAll(TlsCipherNames.tls12Defaults());
            }
        }
        boolean strict = strictSni != null ? strictSni : defaults.strictSni != null && defaults.strictSni;
        dev.sluice.net.TlsServerContext.ClientAuth auth = verify != null ? verify
                : dev.sluice.net.TlsServerContext.ClientAuth.NONE;
        List<java.security.cert.X509Certificate> cas = null;
        if (auth != dev.sluice.net.TlsServerContext.ClientAuth.NONE) {
            if (caFile == null) {
                throw new ConfigException(file, line, "bind: verify " + auth.keyword() + " asks clients for a"
                        + " certificate, but no ca-file names whom to trust; add 'ca-file FILE' (or 'ca-file"
                        + " @system-ca')");
            }
            if (!caFile.equals("@system-ca")) {
                cas = ServerTlsSettings.certificates(based(caFile, defaults.caBase), "bind", file, line);
            }
        }
        return new TlsBindConfig(certificates, alpn, suites, protocols(defaults, file, line),
                preferClientCiphers || defaults.preferClientCiphers, groups(defaults), strict,
                defaults.cacheSize != null ? defaults.cacheSize : DEFAULT_CACHE_SIZE,
                defaults.lifetimeSeconds != null ? defaults.lifetimeSeconds : DEFAULT_LIFETIME_SECONDS,
                defaults.dhParamBits, auth, cas);
    }

    /** A certificate or list path, from {@code crt-base} when relative. */
    static Path based(String text, String crtBase) {
        Path path = Path.of(text);
        return !path.isAbsolute() && crtBase != null ? Path.of(crtBase).resolve(path) : path;
    }

    /** One PEM file's certificate and key; a bad file is named with the option that gave it. */
    static PemKeyMaterial load(Path pem, String option, String file, int line) throws ConfigException {
        try {
            return PemKeyMaterial.load(pem);
        } catch (PemKeyMaterial.BadPemException e) {
            throw new ConfigException(file, line, "bind: " + option + ": " + e.getMessage());
        }
    }

    /**
     * The line's {@code curves}, else the global {@code ssl-default-bind-curves},
     * else the line's {@code ecdhe} (which {@code curves} overrides, as in
     * HAProxy); null for the JDK's own groups.
     */
    private List<String> groups(TlsSettings defaults) {
        return curves != null ? curves : defaults.curves != null ? defaults.curves : ecdhe;
    }

    private List<String> protocols(TlsSettings defaults, String file, int line) throws ConfigException {
        Set<String> off = new LinkedHashSet<>(without);
        off.addAll(defaults.without);
        return enabled(minVersion != null ? minVersion : defaults.minVersion,
                maxVersion != null ? maxVersion : defaults.maxVersion, off, "bind", file, line);
    }

    /**
     * The JDK's names of the versions from {@code min} (TLSv1.2 when null) to
     * {@code max} (TLSv1.3 when null), less those {@code without} names.
     */
    static List<String> enabled(String min, String max, Set<String> without, String what, String file, int line)
            throws ConfigException {
        String from = min != null ? min : "TLSv1.2";
        String to = max != null ? max : "TLSv1.3";
        List<String> enabled = new ArrayList<>();
        for (int i = VERSIONS.indexOf(from); i <= VERSIONS.indexOf(to); i++) {
            String v = VERSIONS.get(i);
            if (!without.contains(v)) {
                enabled.add(JDK_VERSIONS.get(i));
            }
        }
        if (enabled.isEmpty()) {
            throw new ConfigException(file, line, what + ": no TLS version is left between " + from + " and " + to
                    + " once the no-tlsv* options are applied");
        }
        return enabled;
    }

    /** A crt file itself, or every .pem file of a crt directory, by name. */
    private static List<Path> pemFiles(Path path, String file, int line) throws ConfigException {
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(path)) {
            for (Path p : dir) {
                if (p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".pem") && Files.isRegularFile(p)) {
                    found.add(p);
                }
            }
        } catch (IOException e) {
            throw new ConfigException(file, line, "bind: crt " + path + ": cannot list the directory: " + e.getMessage());
        }
        if (found.isEmpty()) {
            throw new ConfigException(file, line, "bind: crt " + path + ": the directory holds no .pem file");
        }
        found.sort(null);
        return found;
    }
}
