package dev.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigLexerTest {
    private static List<Statement> lex(String text) throws ConfigException {
        return new ConfigLexer("t.cfg").statements(text);
    }

    private static List<String> words(String line) throws ConfigException {
        List<Statement> statements = lex(line);
        assertEquals(1, statements.size(), "one statement expected from: " + line);
        return statements.get(0).words();
    }

    private static void assertRefused(String text, String message) {
        ConfigException e = assertThrows(ConfigException.class, () -> lex(text));
        assertEquals(message, e.getMessage());
    }

    @Test
    void wordsAreSeparatedBySpacesAndTabs() throws ConfigException {
        assertEquals(List.of("server", "s1", "127.0.0.1:80"), words("  server\ts1   127.0.0.1:80\t"));
    }

    @Test
    void blankAndCommentLinesAreSkippedAndLinesKeepTheirNumbers() throws ConfigException {
        List<Statement> statements = lex("# heading\n\n   \nglobal\r\n  maxconn 10 # trailing comment\n");
        assertEquals(2, statements.size());
        assertEquals(new Statement(4, List.of("global")), statements.get(0));
        assertEquals(new Statement(5, List.of("maxconn", "10")), statements.get(1));
    }

    @Test
    void doubleQuotesKeepSpacesAndHashInOneWord() throws ConfigException {
        assertEquals(List.of("a", "b c # d", "e"), words("a \"b c # d\" e"));
    }

    @Test
    void singleQuotesTurnOffEscapes() throws ConfigException {
        assertEquals(List.of("a\\b \"c\""), words("'a\\b \"c\"'"));
    }

    @Test
    void backslashEscapesWorkOutsideAndInsideDoubleQuotes() throws ConfigException {
        assertEquals(List.of("a b#c\\d\"e'f$g", "x\ty\nz\r"), words("a\\ b\\#c\\\\d\\\"e\\'f\\$g \"x\\ty\\nz\\r\""));
    }

    @Test
    void touchingQuotedAndUnquotedPartsFormOneWord() throws ConfigException {
        assertEquals(List.of("abcdef"), words("ab\"cd\"'ef'"));
    }

    @Test
    void emptyQuotesAreAnEmptyWord() throws ConfigException {
        assertEquals(List.of("a", "", "b"), words("a \"\" b"));
    }

    @Test
    void unterminatedQuoteIsRefusedWithItsLine() {
        assertRefused("global\nmaxconn \"10", "t.cfg:2: missing closing \" quote");
        assertRefused("maxconn '10", "t.cfg:1: missing closing ' quote");
    }

    @Test
    void unknownEscapeIsRefused() {
        assertRefused("a \\q", "t.cfg:1: unknown escape '\\q'");
    }

    @Test
    void trailingBackslashIsRefusedBecauseLinesAreNotJoined() {
        assertRefused("a b\\", "t.cfg:1: a backslash ends the line; Sluice does not join lines");
    }

    @Test
    void environmentVariableInDoubleQuotesIsRefused() {
        assertRefused("\n bind \"${ADDR}:80\"", "t.cfg:2: environment variables (\"$...\") are not supported by"
                + " Sluice; write the value, or escape the dollar as \\$");
    }

    @Test
    void dollarOutsideDoubleQuotesIsAnOrdinaryCharacter() throws ConfigException {
        assertEquals(List.of("a$b", "$c"), words("a$b '$c'"));
    }
}
