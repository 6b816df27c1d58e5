package dev.sluice.config;

import dev.sluice.net.PemKeyMaterial;
import dev.sluice.net.SniCertificate;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The TLS values of one {@code bind} line while the file is read, and the
 * global defaults ({@code crt-base}, {@code ssl-default-bind-*}) that fill
 * what the line leaves out; {@link #resolve} makes the {@link TlsBindConfig}
 * once the whole file is read, so that the global section may stand anywhere.
 *
 * <p>Not thread-safe: used by one parser.
 */
final class TlsSettings {

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
    /** The versions and suites; in the global section, {@code ssl-default-bind-*}'s. */
    final TlsOffer offer = new TlsOffer();
    /** {@code curves} ({@code ssl-default-bind-curves} in the global section), in the JDK's names. */
    List<String> curves;
    /** {@code ecdhe}: one curve, used when no {@code curves} list applies. */
    List<String> ecdhe;
    boolean preferClientCiphers;
    /** Global only: the directory relative crt paths start from. */
    String crtBase;
    /** Global only: the directory relative {@code ca-file} paths start from (bind and server lines). */
    String caBase;
    /** {@code verify} on a bind line: none, optional or required; null for none. */
    dev.sluice.net.TlsServerContext.ClientAuth verify;
    /** {@code ca-file} on a bind line, or null. */
    String caFile;
    /** {@code crl-file} on a bind line, or null. */
    String crlFile;
    /** Global only: {@code tune.ssl.cachesize}, or null. */
    Integer cacheSize;
    /** Global only: {@code tune.ssl.lifetime} in seconds, or null. */
    Integer lifetimeSeconds;
    /** Global only: {@code tune.ssl.default-dh-param}, or 0. */
    int dhParamBits;
    /** Global only, for servers: {@code ssl-default-server-ciphers}, {@code -ciphersuites} and {@code -options}' versions. */
    final TlsOffer serverOffer = new TlsOffer();
    /** Global only, for servers: {@code ssl-default-server-options no-ssl-reuse}. */
    boolean serverNoReuse;
    /** Global only: {@code ssl-server-verify} ({@code required} true, {@code none} false), or null (required). */
    Boolean serverVerify;

    /**
     * The line's TLS with the defaults applied and its certificates read;
     * null for a line without {@code ssl}.
     */
    TlsBindConfig resolve(TlsSettings defaults, String file, int line) throws ConfigException {
        if (!ssl) {
            if (!crts.isEmpty() || alpn != null || offer.ciphers != null || offer.ciphersuites != null || curves != null
                    || ecdhe != null || strictSni != null || verify != null || caFile != null || crlFile != null) {
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
        List<String> suites = offer.suites(defaults.offer, file, line);
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
        List<java.security.cert.X509CRL> crls = ServerTlsSettings.crls(crlFile,
                auth != dev.sluice.net.TlsServerContext.ClientAuth.NONE, caFile, defaults.caBase, "bind", file, line);
        return new TlsBindConfig(certificates, alpn, suites, offer.protocols(defaults.offer, "bind", file, line),
                preferClientCiphers || defaults.preferClientCiphers, groups(defaults), strict,
                defaults.cacheSize != null ? defaults.cacheSize : DEFAULT_CACHE_SIZE,
                defaults.lifetimeSeconds != null ? defaults.lifetimeSeconds : DEFAULT_LIFETIME_SECONDS,
                defaults.dhParamBits, auth, cas, crls);
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
