package dev.sluice.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server name picks the certificate; the first is the default. */
class SniKeyManagerTest {
    @TempDir
    Path dir;

    @Test
    void wildcardsMatchOneLabel() {
        assertTrue(SniKeyManager.matches("*.example.test", "a.example.test"));
        assertFalse(SniKeyManager.matches("*.example.test", "example.test"));
        assertFalse(SniKeyManager.matches("*.example.test", "a.b.example.test"));
        assertTrue(SniKeyManager.matches("example.test", "example.test"));
    }

    @Test
    void namesComeFromTheCommonNameAndTheDnsAlternatives() throws Exception {
        PemKeyMaterial m = PemKeyMaterial.load(TestCertificates.write(dir, "w", "one.test", "*.two.test", "three.test"));
        assertEquals(List.of("one.test", "*.two.test", "three.test"), SniKeyManager.namesOf(m.chain().get(0)));
        SniKeyManager km = new SniKeyManager(List.of(SniCertificate.of(m)), false);
        assertEquals(1, km.getServerAliases("EC", null).length);
        assertEquals(null, km.getServerAliases("RSA", null));
    }

    @Test
    void filtersStandForTheCertificatesNamesAndStrictSniLeavesNoDefault() throws Exception {
        PemKeyMaterial m = PemKeyMaterial.load(TestCertificates.write(dir, "f", "one.test"));
        SniCertificate wild = SniCertificate.filtered(m, List.of("*.Two.test", "!secret.two.test"));
        assertTrue(wild.answers("a.two.test"));
        assertFalse(wild.answers("secret.two.test"));
        assertFalse(wild.answers("one.test"));
        SniCertificate own = SniCertificate.filtered(m, List.of("!one.test"));
        assertEquals(List.of("one.test"), own.names());
        assertFalse(own.answers("one.test"));
        assertEquals("0", new SniKeyManager(List.of(wild), false).chooseServerAlias("EC", null, null));
        assertEquals(null, new SniKeyManager(List.of(wild), true).chooseServerAlias("EC", null, null));
        assertEquals(null, new SniKeyManager(List.of(wild), true).chooseEngineServerAlias("EC", null, null));
        assertEquals("0", new SniKeyManager(List.of(wild), false).chooseEngineServerAlias("EC", null, null));
    }
}
