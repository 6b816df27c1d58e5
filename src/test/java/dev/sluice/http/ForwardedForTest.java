package dev.sluice.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ForwardedForTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "192.0.2.7, 192.0.2.7",
        "0.0.0.0, 0.0.0.0",
        "::1, ::1",
        "::, ::",
        "2001:db8:0:0:0:0:2:1, 2001:db8::2:1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
        "fe80:0:0:0:abcd:0:0:0, fe80::abcd:0:0:0",
        "1:0:0:2:0:0:0:0, 1:0:0:2::",
    })
    void theFieldCarriesTheClientAddressInItsShortestForm(String address, String text) {
        assertEquals("X-Forwarded-For: " + text,
                new String(ForwardedFor.fieldLine(RuleRequests.address(address)), StandardCharsets.US_ASCII));
    }

    @Test
    void anIpv4ClientSeenThroughAnIpv6SocketIsWrittenAsIpv4() {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, 10, 1, 2, 3};
        assertEquals("10.1.2.3", ForwardedFor.text(mapped));
        assertEquals("unknown", ForwardedFor.text(new byte[0]));
    }
}
