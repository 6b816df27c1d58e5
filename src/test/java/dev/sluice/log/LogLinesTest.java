package dev.sluice.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogLinesTest {
    private static final List<LogTarget> GLOBAL = targets("127.0.0.1:5140 local0", "/dev/log daemon");

    private static List<LogTarget> targets(String... lines) {
        try {
            LogTarget[] out = new LogTarget[lines.length];
            for (int i = 0; i < lines.length; i++) {
                out[i] = LogTarget.parse(Arrays.asList(lines[i].split(" ")));
            }
            return List.of(out);
        } catch (LogConfigException e) {
            throw new AssertionError(e);
        }
    }

    private static void add(LogLines lines, String words) throws LogConfigException {
        lines.add(Arrays.asList(words.split(" ")));
    }

    @Test
    void logGlobalStandsForTheGlobalLinesInItsPlace() throws Exception {
        LogLines lines = new LogLines();
        add(lines, "127.0.0.1:6000 local1");
        add(lines, "global");
        List<LogTarget> resolved = lines.resolve(GLOBAL);
        assertEquals(List.of(targets("127.0.0.1:6000 local1").get(0), GLOBAL.get(0), GLOBAL.get(1)), resolved);
    }

    @Test
    void aSectionStartsWithItsDefaultsLinesAndNoLogForgetsThem() throws Exception {
        LogLines defaults = new LogLines();
        add(defaults, "global");
        LogLines frontend = defaults.copy();
        assertEquals(GLOBAL, frontend.resolve(GLOBAL));
        frontend.clear();
        assertTrue(frontend.resolve(GLOBAL).isEmpty());
        add(frontend, "stdout format raw daemon");
        assertEquals(targets("stdout format raw daemon"), frontend.resolve(GLOBAL));
        assertEquals(GLOBAL, defaults.resolve(GLOBAL), "the defaults section is not changed by its copies");
    }

    @Test
    void aTargetNamedTwiceGetsEachLineOnce() throws Exception {
        LogLines lines = new LogLines();
        add(lines, "global");
        add(lines, "global");
        add(lines, "127.0.0.1:5140 local0");
        assertEquals(GLOBAL, lines.resolve(GLOBAL));
    }

    @Test
    void logGlobalTakesNoOtherArgument() {
        LogConfigException e = assertThrows(LogConfigException.class, () -> add(new LogLines(), "global local0"));
        assertTrue(e.getMessage().contains("log global takes no other argument"), e.getMessage());
    }
}
