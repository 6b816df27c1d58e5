package dev.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
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
        assertEquals(List.of("a b#c\\d\"e'f\\$g", "x\ty\nz\r$"),
                words("a\\ b\\#c\\\\d\\\"e\\'f\\$g \"x\\ty\\nz\\r\\$\""));
    }

    @Test
    void hexEscapesGiveTheirCharacter() throws ConfigException {
        assertEquals(List.of("A b", "#"), words("\\x41\\x20b \"\\x23\""));
        assertRefused("a \\x4", "t.cfg:1: '\\x' needs two hexadecimal digits, as in \\x41");
        assertRefused("a \\xg1", "t.cfg:1: '\\x' needs two hexadecimal digits, as in \\x41");
        assertRefused("a \\x00", "t.cfg:1: '\\x00' cannot be part of a word");
    }

    @Test
    void aBackslashBeforeAnyOtherCharacterStaysAsHaproxyKeepsIt() throws ConfigException {
        // So that regular expressions keep their escapes: \. \d \/ and a backslash ending the line.
        assertEquals(List.of("acl", "a", "path_reg", "^/v\\d\\.json\\/$", "b\\"),
                words("acl a path_reg ^/v\\d\\.json\\/$ b\\"));
        assertEquals(List.of("\\.x"), words("\"\\.x\""));
    }

    @Test
    void aCarriageReturnEndsTheLine() throws ConfigException {
        assertEquals(List.of("a", "b"), words("a b\rc d"));
    }

    @Test
    void variablesExpandInsideDoubleQuotesOnly() throws ConfigException {
        ConfigLexer lexer = new ConfigLexer("t.cfg", Map.of("ADDR", "10.0.0.1", "PORTS", "80  81 82", "EMPTY", ""));
        assertEquals(List.of("bind", "10.0.0.1:80", "$ADDR", "${ADDR}"),
                lexer.words("bind \"$ADDR:80\" $ADDR '${ADDR}'", 1, "f"));
        assertEquals(List.of("10.0.0.1x", "10.0.0.1-y"), lexer.words("\"${ADDR}x\" \"$ADDR-y\"", 1, "f"));
        assertEquals(List.of("a", "", "b"), lexer.words("a \"$UNSET\" b", 1, "f"));
    }

    @Test
    void aDefaultReplacesAnUnsetVariableButNotAnEmptyOne() throws ConfigException {
        ConfigLexer lexer = new ConfigLexer("t.cfg", Map.of("EMPTY", ""));
        assertEquals(List.of("127.0.0.1:514", ""), lexer.words("\"${HOST-127.0.0.1}:514\" \"${EMPTY-x}\"", 1, ""));
    }

    @Test
    void aStarSuffixExpandsAVariableIntoOneWordPerValue() throws ConfigException {
        ConfigLexer lexer = new ConfigLexer("t.cfg", Map.of("OPTS", "maxconn 10  maxqueue 2"));
        assertEquals(List.of("server", "s", "a:1", "maxconn", "10", "maxqueue", "2"),
                lexer.words("server s a:1 \"${OPTS[*]}\"", 1, ""));
    }

    @Test
    void pseudoVariablesNameTheFileTheLineAndTheSection() throws ConfigException {
        assertEquals(List.of("t.cfg:7:web"), new ConfigLexer("t.cfg").words("\"$.FILE:${.LINE}:$.SECTION\"", 7, "web"));
        assertRefused("\"$.NOPE\"", "t.cfg:1: unknown variable '.NOPE' (HAProxy defines .FILE, .LINE and .SECTION)");
    }

    @Test
    void aDollarInDoubleQuotesMustStartAVariableName() {
        assertRefused("a \"100$\"", "t.cfg:1: a '$' inside double quotes starts a variable name (a letter or '_');"
                + " write \\$ for a dollar sign");
        assertRefused("a \"$1\"", "t.cfg:1: a '$' inside double quotes starts a variable name (a letter or '_');"
                + " write \\$ for a dollar sign");
        assertRefused("a \"${A\"", "t.cfg:1: missing '}' after '${A'");
        assertRefused("a \"${A-b\"", "t.cfg:1: missing '}' after '${A'");
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
    void dollarOutsideDoubleQuotesIsAnOrdinaryCharacter() throws ConfigException {
        assertEquals(List.of("a$b", "$c"), words("a$b '$c'"));
    }
}
