package dev.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/configuration.md lists exactly the keywords the parser's tables hold, each with the same support. */
class KeywordDocTest {
    private static final Path DOC = Path.of("docs", "configuration.md");
    private static final Pattern SECTION = Pattern.compile("### Section `([a-z-]+)`");
    private static final Pattern ROW = Pattern.compile("\\| `([^`]+)` \\|.*\\| ([a-z, ]+) \\| [^|]+ \\|");

    /** Section to keyword to support label, as the "Keyword reference" part of the doc lists them. */
    static Map<String, Map<String, String>> documented(List<String> lines) {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        Map<String, String> current = null;
        boolean inReference = false;
        for (String line : lines) {
            if (line.startsWith("## ")) {
                inReference = line.equals("## Keyword reference");
                current = null;
                continue;
            }
            if (!inReference) {
                continue;
            }
            Matcher section = SECTION.matcher(line);
            if (section.matches()) {
                current = sections.computeIfAbsent(section.group(1), s -> new LinkedHashMap<>());
            } else if (line.equals("### Server options")) {
                current = sections.computeIfAbsent("server", s -> new LinkedHashMap<>());
            } else if (line.equals("### Bind options")) {
                current = sections.computeIfAbsent("bind", s -> new LinkedHashMap<>());
            } else if (line.startsWith("### ")) {
                fail("unexpected heading in the keyword reference: " + line);
            }
            Matcher row = ROW.matcher(line);
            if (row.matches()) {
                assertNotNull(current, "a keyword row before any section heading: " + line);
                if (current.put(row.group(1), row.group(2)) != null) {
                    fail("keyword listed twice: " + line);
                }
            } else if (line.startsWith("| `")) {
                fail("a keyword row the test cannot read (5 columns, support last but one): " + line);
            }
        }
        return sections;
    }

    static Map<String, Map<String, String>> implemented() {
        Map<String, Map<String, String>> tables = new LinkedHashMap<>();
        ConfigParser.keywordTables().forEach((section, keywords) -> {
            if (!keywords.isEmpty()) {
                Map<String, String> labels = new LinkedHashMap<>();
                keywords.forEach((name, support) -> labels.put(name, support.label()));
                tables.put(section, labels);
            }
        });
        return tables;
    }

    @Test
    void theDocumentedKeywordsAreExactlyTheParsersKeywords() throws IOException {
        // Compared as sorted text, so that a failure shows every missing or extra keyword at once.
        assertEquals(render(implemented()), render(documented(Files.readAllLines(DOC))));
    }

    @Test
    void aListenSectionTakesExactlyWhatAFrontendOrABackendTakes() {
        Map<String, Support> union = new LinkedHashMap<>(Keywords.FRONTEND.names());
        union.putAll(Keywords.BACKEND.names());
        assertEquals(new java.util.TreeMap<>(union), new java.util.TreeMap<>(Keywords.LISTEN.names()));
    }

    @Test
    void theDocReaderSeesAMissingOrExtraKeyword() {
        List<String> doc = List.of("## Keyword reference", "### Section `global`",
                "| keyword | arguments | default | support | meaning |", "|---|---|---|---|---|",
                "| `maxconn` | number | 2000 | implemented | The most connections. |",
                "| `option x` | none | | accepted, no effect | Nothing. |", "## Refused", "| `daemon` | x | y | z | w |");
        assertEquals(Map.of("global", Map.of("maxconn", "implemented", "option x", "accepted, no effect")),
                documented(doc));
    }

    private static String render(Map<String, Map<String, String>> tables) {
        StringBuilder text = new StringBuilder();
        tables.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(section -> section.getValue()
                .entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(keyword -> text.append(section
                        .getKey()).append(": ").append(keyword.getKey()).append(" (").append(keyword.getValue())
                        .append(")\n")));
        return text.toString();
    }
}
