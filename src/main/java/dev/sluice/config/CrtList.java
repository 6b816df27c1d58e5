package dev.sluice.config;

import dev.sluice.net.SniCertificate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@code crt-list} file: one certificate per line, {@code <crtfile>
 * [[!]<snifilter> ...]}, blank lines and lines starting with {@code #}
 * skipped. A relative certificate path starts at {@code crt-base}, as on the
 * bind line. The filters, when given, are the server names the certificate
 * answers instead of the names it holds; {@code !name} takes one away. The
 * same file may stand on several lines with different filters.
 *
 * <p>HAProxy also takes per-certificate TLS options in brackets ({@code
 * [alpn h2 ciphers ...]}); Sluice's listener has one set of TLS options, so
 * such a line is refused, naming the list's file and line, rather than served
 * with options it would not apply.
 *
 * <p>Stateless.
 */
final class CrtList {
    private CrtList() {
    }

    /** The certificates of the list at {@code path}, in its order; errors name the list's own line. */
    static List<SniCertificate> read(Path path, String crtBase, String file, int line) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file, line, "bind: crt-list " + path + ": cannot read it: " + e.getMessage());
        }
        List<SniCertificate> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            String where = path + ":" + (i + 1);
            if (text.indexOf('[') >= 0 || text.indexOf(']') >= 0) {
                throw new ConfigException(file, line, "bind: crt-list " + where + ": per-certificate TLS options"
                        + " in brackets are not supported; Sluice applies the bind line's options to every"
                        + " certificate, so write them there");
            }
            List<String> words = Arrays.asList(text.split("\\s+"));
            Path pem = TlsSettings.based(words.get(0), crtBase);
            if (Files.isDirectory(pem)) {
                throw new ConfigException(file, line, "bind: crt-list " + where + ": " + pem
                        + " is a directory; a crt-list line names one PEM file");
            }
            List<String> filters = words.subList(1, words.size());
            for (String f : filters) {
                if (f.equals("!")) {
                    throw new ConfigException(file, line, "bind: crt-list " + where + ": an empty SNI filter");
                }
            }
            out.add(SniCertificate.filtered(TlsSettings.load(pem, "crt-list " + where, file, line), filters));
        }
        if (out.isEmpty()) {
            throw new ConfigException(file, line, "bind: crt-list " + path + ": the list names no certificate");
        }
        return out;
    }
}
