package dev.sluice.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.buffer.Buffer;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The PROXY header send-proxy and send-proxy-v2 write, byte for byte, and read back by Sluice's own reader. */
class ProxyHeaderWriterTest {
    private static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private static byte[] write(int version, ConnectionAddresses a) {
        ByteBuffer out = ByteBuffer.allocate(ProxyHeaderWriter.MAX_LENGTH);
        int n = ProxyHeaderWriter.write(version, a, out);
        assertEquals(n, out.position());
        return Arrays.copyOf(out.array(), n);
    }

    private static ConnectionAddresses of(String client, int clientPort, String destination, int destinationPort)
            throws Exception {
        return new ConnectionAddresses().set(InetAddress.getByName(client).getAddress(), clientPort,
                InetAddress.getByName(destination).getAddress(), destinationPort);
    }

    /** Reads {@code header} back with the accept-proxy reader; returns the addresses it found. */
    private static ConnectionAddresses readBack(byte[] header) {
        Buffer buffer = TestBytes.newBuffer();
        TestBytes.load(buffer, 0, header);
        ConnectionAddresses found = new ConnectionAddresses().set(new byte[0], 0, new byte[0], 0);
        ProxyHeader reader = new ProxyHeader();
        assertEquals(ProxyHeader.Result.COMPLETE, reader.read(buffer, found));
        assertEquals(header.length, reader.length());
        return found;
    }

    @Test
    void versionOneIpv4IsOneLine() throws Exception {
        byte[] h = write(1, of("192.0.2.7", 40000, "198.51.100.1", 443));
        assertEquals("PROXY TCP4 192.0.2.7 198.51.100.1 40000 443\r\n", new String(h, StandardCharsets.US_ASCII));
        ConnectionAddresses back = readBack(h);
        assertArrayEquals(InetAddress.getByName("192.0.2.7").getAddress(), back.client());
        assertEquals(443, back.destinationPort());
    }

    @Test
    void versionOneIpv6IsWrittenInFullAndParsesBack() throws Exception {
        byte[] h = write(1, of("2001:db8::7", 1, "::1", 65535));
        assertEquals("PROXY TCP6 2001:db8:0:0:0:0:0:7 0:0:0:0:0:0:0:1 1 65535\r\n",
                new String(h, StandardCharsets.US_ASCII));
        ConnectionAddresses back = readBack(h);
        assertArrayEquals(InetAddress.getByName("2001:db8::7").getAddress(), back.client());
        assertArrayEquals(InetAddress.getByName("::1").getAddress(), back.destination());
    }

    @Test
    void aMixedPairIsWrittenAsIpv6WithTheIpv4OneMapped() throws Exception {
        byte[] h = write(1, of("10.1.2.3", 5, "::1", 80));
        assertEquals("PROXY TCP6 0:0:0:0:0:ffff:a01:203 0:0:0:0:0:0:0:1 5 80\r\n",
                new String(h, StandardCharsets.US_ASCII));
        byte[] v2 = write(2, of("10.1.2.3", 5, "::1", 80));
        assertEquals(16 + 36, v2.length);
        assertEquals(0x21, v2[13]);
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, 10, 1, 2, 3},
                Arrays.copyOfRange(v2, 16, 32));
    }

    @Test
    void theLongestVersionOneLineFits() throws Exception {
        String full = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        byte[] h = write(1, of(full, 65535, full, 65535));
        assertEquals(ProxyHeaderWriter.MAX_LENGTH - 3, h.length);
        readBack(h);
    }

    @Test
    void versionTwoIpv4IsTheSignatureCommandFamilyLengthAndAddresses() throws Exception {
        byte[] h = write(2, of("192.0.2.7", 40000, "198.51.100.1", 443));
        assertEquals(28, h.length);
        assertArrayEquals(SIGNATURE, Arrays.copyOf(h, 12));
        assertEquals(0x21, h[12], "version 2, command PROXY");
        assertEquals(0x11, h[13], "TCP over IPv4");
        assertEquals(12, (h[14] & 0xFF) << 8 | h[15] & 0xFF);
        assertArrayEquals(new byte[] {(byte) 192, 0, 2, 7, (byte) 198, 51, 100, 1, (byte) 0x9C, 0x40, 0x01,
            (byte) 0xBB}, Arrays.copyOfRange(h, 16, 28));
        ConnectionAddresses back = readBack(h);
        assertEquals(40000, back.clientPort());
        assertArrayEquals(InetAddress.getByName("198.51.100.1").getAddress(), back.destination());
    }

    @Test
    void versionTwoIpv6ParsesBack() throws Exception {
        byte[] h = write(2, of("2001:db8::7", 1234, "2001:db8::1", 8443));
        assertEquals(52, h.length);
        assertEquals(0x21, h[13], "TCP over IPv6");
        ConnectionAddresses back = readBack(h);
        assertArrayEquals(InetAddress.getByName("2001:db8::7").getAddress(), back.client());
        assertEquals(8443, back.destinationPort());
    }

    @Test
    void anUnknownClientIsUnknownOrUnspecified() {
        ConnectionAddresses none = new ConnectionAddresses().set(new byte[0], 0, new byte[0], 0);
        assertEquals("PROXY UNKNOWN\r\n", new String(write(1, none), StandardCharsets.US_ASCII));
        byte[] v2 = write(2, none);
        assertEquals(16, v2.length);
        assertEquals(0x00, v2[13], "family unspecified");
        readBack(v2);
    }
}
