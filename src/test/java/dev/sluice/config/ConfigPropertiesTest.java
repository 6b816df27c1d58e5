package dev.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;

class ConfigPropertiesTest {
    /** Writes a word so that the lexer must give it back unchanged, whatever characters it holds. */
    private static String escape(String word) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : word.toCharArray()) {
            switch (c) {
                case '\\', '"', '$' -> quoted.append('\\').append(c);
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                // A NUL ends the line for HAProxy, so it goes in as an escape.
                case 0 -> throw new IllegalArgumentException("no NUL in a word");
                default -> quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    @Property
    void anyWordEscapedInDoubleQuotesLexesBackToItself(@ForAll @StringLength(max = 20) @CharRange(from = 1, to = 0xFFFF) String a,
            @ForAll @StringLength(max = 20) @CharRange(from = 1, to = 0xFFFF) String b) throws ConfigException {
        List<Statement> statements = new ConfigLexer("p.cfg").statements("kw " + escape(a) + "\t" + escape(b)
                + " # comment");
        assertEquals(List.of(new Statement(1, List.of("kw", a, b))), statements);
    }

    @Property
    void aTimeInAnyUnitIsItsValueInMillisecondsRoundedUpOrRefusedWhenTooLarge(@ForAll @LongRange(max = 100_000_000L) long amount,
            @ForAll @IntRange(max = 5) int unitIndex) throws ConfigException {
        String[] units = {"us", "ms", "s", "m", "h", "d"};
        long[] micros = {1, 1_000, 1_000_000, 60_000_000, 3_600_000_000L, 86_400_000_000L};
        long exactMicros = amount * micros[unitIndex];
        long expected = (exactMicros + 999) / 1000;
        Invocation use = new Invocation("p.cfg", 1, "timeout client", List.of());
        String text = amount + units[unitIndex];
        if (expected > Invocation.MAX_TIME_MILLIS) {
            assertThrows(ConfigException.class, () -> use.timeMillis(text));
        } else {
            assertEquals(expected, use.timeMillis(text));
        }
    }
}
