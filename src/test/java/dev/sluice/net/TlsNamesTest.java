package dev.sluice.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The JDK's suite names become OpenSSL's, as %sslc logs them and as ciphers lines write them. */
class TlsNamesTest {
    @Test
    void eachKindOfSuiteGetsOpenSslsName() {
        assertEquals("TLS_AES_256_GCM_SHA384", TlsNames.opensslSuite("TLS_AES_256_GCM_SHA384"));
        assertEquals("ECDHE-RSA-AES128-GCM-SHA256", TlsNames.opensslSuite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
        assertEquals("ECDHE-ECDSA-AES256-GCM-SHA384",
                TlsNames.opensslSuite("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"));
        assertEquals("ECDHE-ECDSA-CHACHA20-POLY1305",
                TlsNames.opensslSuite("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"));
        assertEquals("ECDHE-RSA-AES256-SHA384", TlsNames.opensslSuite("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"));
        assertEquals("ECDHE-RSA-AES128-SHA", TlsNames.opensslSuite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"));
        assertEquals("DHE-RSA-AES128-GCM-SHA256", TlsNames.opensslSuite("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"));
        assertEquals("AES128-GCM-SHA256", TlsNames.opensslSuite("TLS_RSA_WITH_AES_128_GCM_SHA256"));
        assertEquals("AES256-SHA256", TlsNames.opensslSuite("TLS_RSA_WITH_AES_256_CBC_SHA256"));
        assertEquals("TLS_EMPTY_RENEGOTIATION_INFO_SCSV", TlsNames.opensslSuite("TLS_EMPTY_RENEGOTIATION_INFO_SCSV"));
    }
}
