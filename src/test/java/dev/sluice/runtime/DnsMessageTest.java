package dev.sluice.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Queries as RFC 1035 and 6891 write them; answers read whole or refused, never trusted in part. */
class DnsMessageTest {
    @Test
    void aQueryAsksOneNameAndTypeWithEdns0() {
        ByteBuffer b = ByteBuffer.allocate(512);
        DnsMessage.query(b, 0x1234, "web.test", DnsMessage.AAAA, 4096);
        byte[] expected = {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 3, 'w', 'e', 'b', 4, 't', 'e', 's', 't', 0, 0, 28,
            0, 1, 0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0};
        byte[] got = new byte[b.remaining()];
        b.get(got);
        assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(got));
    }

    @Test
    void anAnswerWithCompressedNamesGivesItsAddressesAndSrvRecords() throws Exception {
        ByteBuffer m = ByteBuffer.allocate(512);
        m.putShort((short) 7).putShort((short) 0x8180).putShort((short) 1).putShort((short) 2).putShort((short) 0)
                .putShort((short) 0);
        int question = m.position();
        m.put(new byte[] {4, '_', 's', 'v', 'c', 4, 't', 'e', 's', 't', 0}).putShort((short) 33).putShort((short) 1);
        // SRV 0 5 9001 a.<test>, the target compressed against the question's "test".
        m.putShort((short) (0xc000 | question)).putShort((short) 33).putShort((short) 1).putInt(60)
                .putShort((short) 10).putShort((short) 0).putShort((short) 5).putShort((short) 9001)
                .put(new byte[] {1, 'a'}).putShort((short) (0xc000 | question + 5));
        // A a.test 127.0.0.2: the name compressed against the SRV's target.
        m.put(new byte[] {1, 'a'}).putShort((short) (0xc000 | question + 5)).putShort((short) 1).putShort((short) 1)
                .putInt(60).putShort((short) 4).put(new byte[] {127, 0, 0, 2});
        m.flip();
        DnsMessage.Response r = DnsMessage.parse(m);
        assertEquals(7, r.id());
        assertEquals(DnsMessage.NOERROR, r.rcode());
        assertEquals(2, r.answers().size());
        assertEquals("a.test", r.answers().get(0).target());
        assertEquals(9001, r.answers().get(0).port());
        assertEquals("a.test", r.answers().get(1).name());
        assertEquals(InetAddress.ofLiteral("127.0.0.2"), r.answers().get(1).address());
    }

    @Test
    void aCompressionLoopOrATruncatedMessageIsRefused() {
        ByteBuffer loop = ByteBuffer.allocate(64);
        loop.putShort((short) 1).putShort((short) 0x8180).putShort((short) 1).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0xc00c).flip();
        assertThrows(DnsMessage.MalformedException.class, () -> DnsMessage.parse(loop));
        ByteBuffer cut = ByteBuffer.allocate(64);
        cut.putShort((short) 1).putShort((short) 0x8180).putShort((short) 0).putShort((short) 1).putShort((short) 0)
                .putShort((short) 0).put((byte) 0).putShort((short) 1).flip();
        assertThrows(DnsMessage.MalformedException.class, () -> DnsMessage.parse(cut));
    }
}
