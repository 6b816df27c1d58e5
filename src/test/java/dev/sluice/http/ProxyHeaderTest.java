package dev.sluice.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The PROXY protocol header, versions 1 and 2, read where it lies in the buffer. */
class ProxyHeaderTest {
    private final Buffer buffer = TestBytes.newBuffer();
    private final ConnectionAddresses addresses = new ConnectionAddresses()
            .set(new byte[] {10, 0, 0, 1}, 5555, new byte[] {10, 0, 0, 2}, 80);

    private ProxyHeader.Result read(byte[] bytes) {
        TestBytes.load(buffer, 0, bytes);
        return new ProxyHeader().read(buffer, addresses);
    }

    private static byte[] v2(int command, int family, byte[] addressBlock) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
        out.write(0x20 | command);
        out.write(family);
        out.write(addressBlock.length >> 8);
        out.write(addressBlock.length & 0xFF);
        out.writeBytes(addressBlock);
        return out.toByteArray();
    }

    @Test
    void aVersionOneTcp4LineNamesTheClientAndWhereItConnected() throws Exception {
        ProxyHeader h = new ProxyHeader();
        TestBytes.load(buffer, 0, TestBytes.bytes("PROXY TCP4 192.0.2.7 198.51.100.1 40000 443\r\nGET / HTTP/1.1\r\n"));
        assertEquals(ProxyHeader.Result.COMPLETE, h.read(buffer, addresses));
        assertEquals(45, h.length());
        assertArrayEquals(InetAddress.getByName("192.0.2.7").getAddress(), addresses.client());
        assertEquals(40000, addresses.clientPort());
        assertArrayEquals(InetAddress.getByName("198.51.100.1").getAddress(), addresses.destination());
        assertEquals(443, addresses.destinationPort());
    }

    @Test
    void aVersionOneTcp6LineAndAnUnknownOne() throws Exception {
        assertEquals(ProxyHeader.Result.COMPLETE, read(TestBytes.bytes("PROXY TCP6 2001:db8::7 2001:db8::1 1 2\r\n")));
        assertArrayEquals(InetAddress.getByName("2001:db8::7").getAddress(), addresses.client());
        ConnectionAddresses kept = new ConnectionAddresses().set(new byte[] {1, 2, 3, 4}, 9, new byte[0], 0);
        TestBytes.load(buffer, 0, TestBytes.bytes("PROXY UNKNOWN whatever follows\r\n"));
        assertEquals(ProxyHeader.Result.COMPLETE, new ProxyHeader().read(buffer, kept));
        assertArrayEquals(new byte[] {1, 2, 3, 4}, kept.client(), "UNKNOWN keeps the socket's addresses");
    }

    @Test
    void aLineNotYetWholeWaitsAndOneThatNeverEndsIsRefused() {
        assertEquals(ProxyHeader.Result.NEED_MORE, read(TestBytes.bytes("PROXY TCP4 192.0.2.7 198.51")));
        assertEquals(ProxyHeader.Result.NEED_MORE, read(TestBytes.bytes("PRO")));
        assertEquals(ProxyHeader.Result.BAD, read(TestBytes.bytes("PROXY TCP4 " + "1".repeat(120))));
    }

    @Test
    void malformedVersionOneLinesAreRefused() {
        assertEquals(ProxyHeader.Result.BAD, read(TestBytes.bytes("GET / HTTP/1.1\r\n")));
        assertEquals(ProxyHeader.Result.BAD, read(TestBytes.bytes("PROXY TCP4 192.0.2.7 198.51.100.1 40000\r\n")));
        assertEquals(ProxyHeader.Result.BAD, read(TestBytes.bytes("PROXY TCP4 2001:db8::7 198.51.100.1 1 2\r\n")));
        assertEquals(ProxyHeader.Result.BAD, read(TestBytes.bytes("PROXY TCP4 192.0.2.7 198.51.100.1 1 99999\r\n")));
        assertEquals(ProxyHeader.Result.BAD, read(TestBytes.bytes("PROXY TCP4 host.example 198.51.100.1 1 2\r\n")));
        assertEquals(ProxyHeader.Result.BAD, read(TestBytes.bytes("PROXY TCP4 192.0.2.7 198.51.100.1 1 2\n")));
    }

    @Test
    void aVersionTwoTcp4HeaderWithExtensionsIsReadWhole() throws Exception {
        byte[] block = {(byte) 192, 0, 2, 9, (byte) 198, 51, 100, 1, (byte) 0x9C, 0x40, 0x01, (byte) 0xBB,
            // A TLV (type 0x04, NOOP) of 3 bytes: skipped.
            0x04, 0x00, 0x03, 1, 2, 3};
        ProxyHeader h = new ProxyHeader();
        TestBytes.load(buffer, 0, v2(1, 0x11, block));
        assertEquals(ProxyHeader.Result.COMPLETE, h.read(buffer, addresses));
        assertEquals(16 + block.length, h.length());
        assertArrayEquals(InetAddress.getByName("192.0.2.9").getAddress(), addresses.client());
        assertEquals(40000, addresses.clientPort());
        assertEquals(443, addresses.destinationPort());
    }

    @Test
    void aVersionTwoLocalHeaderKeepsTheSocketsAddresses() {
        assertEquals(ProxyHeader.Result.COMPLETE, read(v2(0, 0x00, new byte[0])));
        assertArrayEquals(new byte[] {10, 0, 0, 1}, addresses.client());
    }

    @Test
    void aVersionTwoHeaderInPiecesWaitsAndABadOneIsRefused() {
        byte[] whole = v2(1, 0x21, new byte[36]);
        byte[] part = java.util.Arrays.copyOf(whole, 30);
        assertEquals(ProxyHeader.Result.NEED_MORE, read(part));
        assertEquals(ProxyHeader.Result.COMPLETE, read(whole));
        byte[] badVersion = whole.clone();
        badVersion[12] = 0x31;
        assertEquals(ProxyHeader.Result.BAD, read(badVersion));
        assertEquals(ProxyHeader.Result.BAD, read(v2(1, 0x11, new byte[4])), "a TCP4 block too short");
    }
}
