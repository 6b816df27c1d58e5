package dev.sluice.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The keywords of the answers Sluice gives itself in mode http:
 * {@code http-request return} and {@code http-request deny}, and the pages of
 * its errors, {@code errorfile} (in a proxy or an {@code http-errors}
 * section) and {@code errorfiles}. A file is read and checked when its line
 * is, so that a missing, oversized or malformed one is reported with that
 * line. {@link HttpKeywords} registers them.
 *
 * <p>Stateless; safe from any thread.
 */
final class ReplyKeywords {
    /** A file for {@code http-request return} larger than this cannot fit any sane buffer. */
    static final long MAX_RETURN_FILE_BYTES = 16 << 20;
    private static final int DEFAULT_DENY_STATUS = 403;

    private ReplyKeywords() {
    }

    static void returnResponse(ProxySection section, Invocation use) throws ConfigException {
        int end = RoutingKeywords.conditionStart(use, 0);
        int status = 200;
        String contentType = null;
        byte[] body = null;
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        boolean statusGiven = false;
        int i = 0;
        while (i < end) {
            String option = use.arg(i);
            int values = option.equals("hdr") ? 2 : 1;
            if (i + values >= end) {
                throw use.error("'" + option + "' needs " + (values == 2 ? "a name and a value" : "a value"));
            }
            switch (option) {
                case "status" -> {
                    checkOnce(use, statusGiven, option);
                    statusGiven = true;
                    status = use.number(use.arg(i + 1), 200, 599);
                }
                case "content-type" -> {
                    checkOnce(use, contentType != null, option);
                    contentType = use.arg(i + 1);
                }
                case "string" -> {
                    checkOnce(use, body != null, "string or file");
                    body = use.arg(i + 1).getBytes(StandardCharsets.UTF_8);
                }
                case "file" -> {
                    checkOnce(use, body != null, "string or file");
                    body = readFile(use, use.arg(i + 1));
                }
                case "hdr" -> fields.add(Map.entry(use.arg(i + 1), HttpKeywords.literal(use, use.arg(i + 2))));
                case "lf-string", "lf-file" -> throw use.error("'" + option + "': log-format expressions are not"
                        + " supported by Sluice");
                default -> throw use.error("'" + option + "' is not supported by Sluice (supported: status,"
                        + " content-type, string, file, hdr)");
            }
            i += 1 + values;
        }
        HttpRequestRule.Response response = new HttpRequestRule.Response(status, contentType, body, fields);
        HttpKeywords.add(section, use, new HttpRequestRule(HttpRequestRule.Action.RETURN, null, null, response,
                RoutingKeywords.condition(section, use, end), use.line()));
    }

    static void deny(ProxySection section, Invocation use) throws ConfigException {
        int end = RoutingKeywords.conditionStart(use, 0);
        int status = DEFAULT_DENY_STATUS;
        if (end > 0) {
            if (!use.arg(0).equals("deny_status")) {
                throw use.error("'" + use.arg(0) + "' is not supported by Sluice (supported: deny_status)");
            }
            if (end != 2) {
                throw use.error("expected deny_status and one status code, then if or unless");
            }
            status = use.number(use.arg(1), 200, 599);
        }
        HttpRequestRule.Response response = new HttpRequestRule.Response(status, null, null, List.of());
        HttpKeywords.add(section, use, new HttpRequestRule(HttpRequestRule.Action.DENY, null, null, response,
                RoutingKeywords.condition(section, use, end), use.line()));
    }

    private static void checkOnce(Invocation use, boolean given, String option) throws ConfigException {
        if (given) {
            throw use.error("'" + option + "' is given twice");
        }
    }

    /** {@code errorfile CODE FILE}: the file is read and checked now, so that a bad one names this line. */
    static ErrorFile errorFile(Invocation use) throws ConfigException {
        if (use.args().size() != 2) {
            throw use.error("errorfile takes a status and a file, got " + use.args().size() + " arguments");
        }
        int code = errorCode(use, use.args().get(0));
        byte[] bytes = readFile(use, use.args().get(1));
        try {
            dev.sluice.http.ReturnRule.page(bytes);
        } catch (IllegalArgumentException bad) {
            throw use.error("'" + use.args().get(1) + "' for status " + code + ": " + bad.getMessage());
        }
        return new ErrorFile(code, bytes, use.line(), use.file());
    }

    private static int errorCode(Invocation use, String text) throws ConfigException {
        int code;
        try {
            code = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            code = -1;
        }
        if (!ErrorFile.CODES.contains(code)) {
            throw use.error("status '" + text + "' cannot have an error file (one of "
                    + new java.util.TreeSet<>(ErrorFile.CODES) + ")");
        }
        return code;
    }

    /**
     * {@code errorfiles NAME [CODE...]}: the pages of http-errors section NAME
     * (only those of the codes listed, when any is), as if their errorfile
     * lines stood here. The section may come later in the file: the name is
     * looked up once the whole file is read.
     */
    static void errorFiles(ProxySection section, Invocation use) throws ConfigException {
        java.util.Set<Integer> codes = new java.util.TreeSet<>();
        for (String code : use.args().subList(1, use.args().size())) {
            codes.add(errorCode(use, code));
        }
        section.http.errorEntries.add(new HttpSettings.ErrorImport(use.args().get(0), codes, use.line(), use.file()));
    }

    private static byte[] readFile(Invocation use, String name) throws ConfigException {
        try {
            Path path = Path.of(name);
            if (Files.size(path) > MAX_RETURN_FILE_BYTES) {
                throw use.error("file '" + name + "' is larger than any buffer can hold");
            }
            return Files.readAllBytes(path);
        } catch (IOException | InvalidPathException e) {
            throw use.error("cannot read file '" + name + "': " + e.getMessage());
        }
    }
}
