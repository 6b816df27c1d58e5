package dev.sluice.config;

import static dev.sluice.config.ConfigParserTest.PROXIES;
import static dev.sluice.config.ConfigParserTest.assertRefused;
import static dev.sluice.config.ConfigParserTest.parse;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigValidatorTest {
    private static String globalWith(String lines) {
        return "global\n" + lines + "\n" + PROXIES;
    }

    @Test
    void smallestBuffersLimitIsReservePlusTwoPerLoop() {
        assertEquals(4, Global.minimumBuffersLimit(1, 2));
        assertEquals(8, Global.minimumBuffersLimit(2, 2));
        assertEquals(2, Global.minimumBuffersLimit(1, 0));
        assertEquals(30, Global.minimumBuffersLimit(3, 8));
        assertThrows(IllegalArgumentException.class, () -> Global.minimumBuffersLimit(0, 2));
        assertThrows(IllegalArgumentException.class, () -> Global.minimumBuffersLimit(1, -1));
    }

    @ParameterizedTest
    @CsvSource({"1, 1", "1, 2", "2, 2", "4, 1", "3, 7", "16, 2"})
    void theSmallestBuffersLimitIsAcceptedAndOneLessIsRefused(int nbthread, int reserve) throws ConfigException {
        int minimum = Global.minimumBuffersLimit(nbthread, reserve);
        String settings = "nbthread " + nbthread + "\ntune.buffers.reserve " + reserve + "\n";
        Global global = parse(globalWith(settings + "tune.buffers.limit " + minimum)).global();
        assertEquals(reserve + 2, global.buffersPerLoop());
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse(globalWith(settings + "tune.buffers.limit " + (minimum - 1))));
        assertEquals("t.cfg:4: tune.buffers.limit " + (minimum - 1) + " over nbthread " + nbthread + " gives "
                + (minimum - 1) / nbthread + " buffers per event loop, fewer than tune.buffers.reserve " + reserve
                + " + 2: a loop could not serve one request beside its reserve; set tune.buffers.limit to at least "
                + minimum, e.getMessage());
    }

    @Test
    void buffersPerLoopIsTheLimitSplitEvenly() throws ConfigException {
        assertEquals(7, parse(globalWith("nbthread 3\ntune.buffers.limit 23")).global().buffersPerLoop());
    }

    @Test
    void reserveOneIsRefusedWhenAServerHasMaxconnBecauseASlotHolderNeedsABufferPerDirection() {
        assertRefused("""
                global
                    tune.buffers.reserve 1
                frontend f
                    bind :80
                    default_backend b
                backend b
                    server s1 127.0.0.1:1
                    server s2 127.0.0.1:2 maxconn 4
                """, "t.cfg:2: tune.buffers.reserve 1 can deadlock: server 'b/s2' (line 8) has maxconn 4, so sessions"
                + " queued for it may hold every buffer but the reserve, and a session holding its slot needs one"
                + " reserve buffer for each direction; set tune.buffers.reserve to at least 2");
    }

    @Test
    void reserveTwoIsAcceptedWhenAServerHasMaxconn() throws ConfigException {
        assertEquals(2, parse("""
                global
                    tune.buffers.reserve 2
                frontend f
                    bind :80
                    default_backend b
                backend b
                    server s2 127.0.0.1:2 maxconn 1
                """).global().buffersReserve());
    }

    @Test
    void reserveZeroIsRefusedEvenWithoutMaxconn() {
        assertRefused(globalWith("tune.buffers.reserve 0\n nbthread 1\n tune.buffers.limit 2"),
                "t.cfg:2: tune.buffers.reserve 0 can deadlock: sessions that each hold one buffer could take every"
                + " buffer while each waits for its second; set tune.buffers.reserve to at least 1");
    }

    @Test
    void reserveOneIsAcceptedWhenNoServerHasMaxconn() throws ConfigException {
        assertEquals(1, parse(globalWith("tune.buffers.reserve 1\n nbthread 1\n tune.buffers.limit 3")).global()
                .buffersReserve());
    }

    @Test
    void bufsizeUnder1024IsRefused() throws ConfigException {
        assertRefused(globalWith("tune.maxrewrite 100\ntune.bufsize 1023"),
                "t.cfg:3: tune.bufsize 1023 is too small: a buffer must hold at least 1024 bytes");
        assertEquals(1024, parse(globalWith("tune.maxrewrite 100\ntune.bufsize 1024")).global().bufsize());
    }

    @Test
    void maxrewriteMustStayUnderHalfTheBuffer() throws ConfigException {
        assertRefused(globalWith("tune.bufsize 4096\ntune.maxrewrite 2048"), "t.cfg:3: tune.maxrewrite 2048 must be"
                + " less than half of tune.bufsize 4096, or too little of a buffer is left for data");
        assertEquals(2047, parse(globalWith("tune.bufsize 4096\ntune.maxrewrite 2047")).global().maxrewrite());
    }

    @Test
    void theDefaultMaxrewriteRefusesASmallBufsizeAtTheBufsizeLine() {
        assertRefused(globalWith("tune.bufsize 2048"), "t.cfg:2: tune.maxrewrite 1024 must be less than half of"
                + " tune.bufsize 2048, or too little of a buffer is left for data");
    }

    @Test
    void oneLoopsArenaMustFitInTwoGibibytes() throws ConfigException {
        assertRefused(globalWith("nbthread 1\ntune.bufsize 1048576\ntune.buffers.limit 2048"), "t.cfg:4:"
                + " tune.buffers.limit 2048 over nbthread 1 gives 2048 buffers of tune.bufsize 1048576 bytes per event"
                + " loop: 2147483648 bytes, more than one loop's arena of 2147483647 bytes (2 GiB); set"
                + " tune.buffers.limit to at most 2047, or lower tune.bufsize");
        assertEquals(2047, parse(globalWith("nbthread 1\ntune.bufsize 1048576\ntune.buffers.limit 2047")).global()
                .buffersPerLoop());
    }

    @Test
    void theArenaRefusalNamesTheMemoryBudgetAndTheAssumedLoopCountWhenTheLimitIsUnset() {
        // 3 GiB of 16 KB buffers on 1 processor: 3 GiB in one loop.
        ConfigException e = assertThrows(ConfigException.class, () -> new ConfigParser("t.cfg", 1).read(
                "global\n maxconn 200000\n tune.buffers.memory 3g\n" + ConfigParserTest.PROXIES));
        assertEquals("t.cfg:3: tune.buffers.limit, unset, which takes tune.buffers.memory 3221225472 bytes over"
                + " tune.bufsize (at most 2 x maxconn 200000) over nbthread, unset, which"
                + " takes the 1 processors of this machine gives 196608 buffers of tune.bufsize 16384 bytes per event"
                + " loop: 3221225472 bytes, more than one loop's arena of 2147483647 bytes (2 GiB); set"
                + " tune.buffers.limit to at most 131071 (a pool far smaller than maxconn works: sessions wait for"
                + " buffers, they do not fail), or lower tune.bufsize", e.getMessage());
        assertDoesNotThrow(() -> new ConfigParser("t.cfg", 2).read("global\n maxconn 200000\n tune.buffers.memory"
                + " 3g\n" + ConfigParserTest.PROXIES));
        assertDoesNotThrow(() -> new ConfigParser("t.cfg", 1).read("global\n maxconn 200000\n"
                + ConfigParserTest.PROXIES), "the default budget fits any maxconn");
    }

    @Test
    void bothModesAreSupported() {
        assertEquals(Set.of(Mode.TCP, Mode.HTTP), ConfigValidator.SUPPORTED_MODES);
    }

}
