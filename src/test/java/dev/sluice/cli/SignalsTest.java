package dev.sluice.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * When HotSpot's thread-suspend signal is SIGUSR2, the one Sluice reloads on:
 * unless {@code _JAVA_SR_SIGNUM} names a signal HotSpot accepts instead.
 * (Installing the handlers is left to the end-to-end tests: here it would
 * take SIGTERM and SIGINT from the test JVM.)
 */
class SignalsTest {
    @Test
    void sigusr2IsTheSuspendSignalUnlessTheVariableNamesAnotherThatHotspotAccepts() {
        assertTrue(Signals.jvmSuspendsWithUsr2(null));
        assertTrue(Signals.jvmSuspendsWithUsr2("12"));
        // HotSpot refuses signals up to SIGSEGV (11) and from NSIG (65) on, and keeps SIGUSR2.
        assertTrue(Signals.jvmSuspendsWithUsr2("11"));
        assertTrue(Signals.jvmSuspendsWithUsr2("65"));
        assertTrue(Signals.jvmSuspendsWithUsr2("forty"));
        assertFalse(Signals.jvmSuspendsWithUsr2(Signals.SUSPEND_SIGNAL));
        assertFalse(Signals.jvmSuspendsWithUsr2(" 44 "));
    }
}
