package dev.sluice.config;

import dev.sluice.net.PemKeyMaterial;
import dev.sluice.net.TlsClientContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * The TLS options of one {@code server} (or {@code default-server}) line
 * while the file is read; {@link #resolve} applies the global defaults once
 * the whole file is read, as a bind line's TLS is.
 *
 * <p>Not thread-safe: used by one parser.
 */
final class ServerTlsSettings {
    boolean ssl;
    /** {@code verify none} (false) or {@code required} (true); null for {@code ssl-server-verify}'s. */
    Boolean verify;
    String verifyHost;
    String caFile;
    /** {@code crl-file}, relative to {@code ca-base}, or null. */
    String crlFile;
    String crt;
    TlsClientContext.Sni sni = TlsClientContext.Sni.NONE;
    String sniName;
    String checkSni;
    List<String> alpn;
    final TlsOffer offer;
    boolean noReuse;
    /** {@code check-ssl} (true) or {@code no-check-ssl} (false); null: checks speak TLS when traffic does. */
    Boolean checkSsl;

    ServerTlsSettings() {
        offer = new TlsOffer();
    }

    /** What a {@code default-server} line left, for the next line to start from. */
    ServerTlsSettings(ServerTlsSettings d) {
        ssl = d.ssl;
        verify = d.verify;
        verifyHost = d.verifyHost;
        caFile = d.caFile;
        crlFile = d.crlFile;
        crt = d.crt;
        sni = d.sni;
        sniName = d.sniName;
        checkSni = d.checkSni;
        alpn = d.alpn;
        offer = new TlsOffer(d.offer);
        noReuse = d.noReuse;
        checkSsl = d.checkSsl;
    }

    /**
     * The server's TLS with the defaults applied and its files read; null for
     * a server that speaks TLS neither for traffic nor for checks.
     *
     * @param checkElsewhere whether the server's checks go to a port or address of their own ({@code port},
     *     {@code addr}), where {@code ssl} alone does not make them speak TLS
     */
    ServerTlsConfig resolve(TlsSettings globals, boolean checkElsewhere, String server, String file, int line)
            throws ConfigException {
        boolean checks = checkSsl != null ? checkSsl : ssl && !checkElsewhere;
        if (!ssl && !checks) {
            return null;
        }
        boolean required = verify != null ? verify : globals.serverVerify == null || globals.serverVerify;
        List<X509Certificate> trusted = null;
        if (required) {
            if (caFile == null) {
                throw new ConfigException(file, line, "server " + server + ": its certificate is verified ('verify"
                        + " required', the default) but no ca-file names whom to trust; add 'ca-file FILE' (or"
                        + " 'ca-file @system-ca'), or write 'verify none' on the line, or 'ssl-server-verify none' in"
                        + " the global section, if the network is one you trust");
            }
            if (!caFile.equals("@system-ca")) {
                trusted = certificates(TlsSettings.based(caFile, globals.caBase), server, file, line);
            }
        }
        List<java.security.cert.X509CRL> crls = crls(crlFile, required, caFile, globals.caBase,
                "server " + server, file, line);
        PemKeyMaterial own = null;
        if (crt != null) {
            try {
                own = PemKeyMaterial.load(TlsSettings.based(crt, globals.crtBase));
            } catch (PemKeyMaterial.BadPemException e) {
                throw new ConfigException(file, line, "server " + server + ": crt " + crt + ": " + e.getMessage());
            }
        }
        List<String> suites = offer.suites(globals.serverOffer, file, line);
        List<String> protocols = offer.protocols(globals.serverOffer, "server " + server, file, line);
        return new ServerTlsConfig(ssl, required, trusted, verifyHost, own, sni, sniName, alpn == null ? List.of() : alpn,
                suites, protocols, !noReuse && !globals.serverNoReuse, checks, checkSni, crls);
    }

    /**
     * The revocation lists of {@code crl-file} (a PEM file of one or more
     * CRLs, relative to {@code ca-base}); empty without one. Refused where
     * nothing is verified, or against {@code @system-ca}, whose many CAs no
     * one file of lists covers.
     */
    static List<java.security.cert.X509CRL> crls(String crlFile, boolean verified, String caFile, String caBase,
                                                 String who, String file, int line) throws ConfigException {
        if (crlFile == null) {
            return List.of();
        }
        if (!verified) {
            throw new ConfigException(file, line, who + ": crl-file " + crlFile + " without verification: no"
                    + " certificate is checked, so none is checked against it; add 'verify required'");
        }
        if ("@system-ca".equals(caFile)) {
            throw new ConfigException(file, line, who + ": crl-file with 'ca-file @system-ca': Sluice checks"
                    + " revocation only against a ca-file of your own; name the CAs in a file");
        }
        Path pem = TlsSettings.based(crlFile, caBase);
        try (InputStream in = Files.newInputStream(pem)) {
            List<java.security.cert.X509CRL> out = new ArrayList<>();
            for (java.security.cert.CRL c : CertificateFactory.getInstance("X.509").generateCRLs(in)) {
                out.add((java.security.cert.X509CRL) c);
            }
            if (out.isEmpty()) {
                throw new ConfigException(file, line, who + ": crl-file " + pem + " holds no CRL");
            }
            return out;
        } catch (IOException e) {
            throw new ConfigException(file, line, who + ": crl-file " + pem + ": cannot read it: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new ConfigException(file, line, who + ": crl-file " + pem + ": not PEM CRLs: " + e.getMessage());
        }
    }

    /** Every certificate of a PEM file of CAs (a bundle), checked to hold at least one. */
    static List<X509Certificate> certificates(Path pem, String server, String file, int line)
            throws ConfigException {
        try (InputStream in = Files.newInputStream(pem)) {
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new ConfigException(file, line, who(server) + ": ca-file " + pem + " holds no certificate");
            }
            return out;
        } catch (IOException e) {
            throw new ConfigException(file, line, who(server) + ": ca-file " + pem + ": cannot read it: "
                    + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new ConfigException(file, line, who(server) + ": ca-file " + pem + ": not PEM certificates: "
                    + e.getMessage());
        }
    }

    /** How a refusal names the line: {@code server NAME}, or {@code bind}. */
    private static String who(String server) {
        return server.equals("bind") ? "bind" : "server " + server;
    }
}
