package dev.sluice.runtime;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * DNS messages as RFC 1035 writes them, the few Sluice needs: a query for one
 * name and type (A, AAAA or SRV) with an EDNS0 record announcing the UDP size
 * Sluice accepts (RFC 6891), and the reading of an answer: its code, and its A,
 * AAAA and SRV records, from the answer and the additional sections (where a
 * name server puts the addresses of SRV targets). Names may be compressed; a
 * malformed message is refused, never trusted in part.
 *
 * <p>Stateless; thread-safe.
 */
final class DnsMessage {
    static final int A = 1;
    static final int CNAME = 5;
    static final int AAAA = 28;
    static final int SRV = 33;
    static final int OPT = 41;
    private static final int CLASS_IN = 1;
    /** Response codes. */
    static final int NOERROR = 0;
    static final int NXDOMAIN = 3;
    static final int REFUSED = 5;
    /** The longest name, and a bound on compression pointers followed for one name (a loop is malformed). */
    private static final int MAX_NAME = 255;
    private static final int MAX_POINTERS = 32;

    private DnsMessage() {
    }

    /** One resource record Sluice reads. */
    record Record(String name, int type, long ttl, InetAddress address, int priority, int weight, int port,
                  String target) {
    }

    /** A parsed response. */
    record Response(int id, int rcode, boolean truncated, List<Record> answers, List<Record> additional) {
    }

    /** Thrown for a message that cannot be read. */
    static final class MalformedException extends Exception {
        MalformedException(String message) {
            super(message, null, false, false);
        }
    }

    /** Writes a recursive query for {@code name} and {@code type}, with EDNS0 announcing {@code payloadSize}. */
    static void query(ByteBuffer out, int id, String name, int type, int payloadSize) {
        out.clear();
        out.putShort((short) id);
        out.putShort((short) 0x0100); // RD: recursion desired
        out.putShort((short) 1); // one question
        out.putShort((short) 0);
        out.putShort((short) 0);
        out.putShort((short) 1); // the OPT record
        for (String label : name.split("\\.")) {
            if (label.isEmpty()) {
                continue;
            }
            byte[] b = label.getBytes(StandardCharsets.US_ASCII);
            out.put((byte) b.length).put(b);
        }
        out.put((byte) 0);
        out.putShort((short) type).putShort((short) CLASS_IN);
        // OPT: root name, type 41, class = UDP payload size, TTL = extended rcode and flags, no data.
        out.put((byte) 0).putShort((short) OPT).putShort((short) payloadSize).putInt(0).putShort((short) 0);
        out.flip();
    }

    static Response parse(ByteBuffer in) throws MalformedException {
        try {
            int id = in.getShort(0) & 0xffff;
            int flags = in.getShort(2) & 0xffff;
            if ((flags & 0x8000) == 0) {
                throw new MalformedException("not a response");
            }
            int questions = in.getShort(4) & 0xffff;
            int answers = in.getShort(6) & 0xffff;
            int authority = in.getShort(8) & 0xffff;
            int additional = in.getShort(10) & 0xffff;
            int[] at = {12};
            for (int i = 0; i < questions; i++) {
                name(in, at);
                at[0] += 4;
            }
            List<Record> answerRecords = new ArrayList<>();
            for (int i = 0; i < answers; i++) {
                record(in, at, answerRecords);
            }
            for (int i = 0; i < authority; i++) {
                record(in, at, null);
            }
            List<Record> extra = new ArrayList<>();
            for (int i = 0; i < additional; i++) {
                record(in, at, extra);
            }
            return new Response(id, flags & 0xf, (flags & 0x0200) != 0, answerRecords, extra);
        } catch (IndexOutOfBoundsException | UnknownHostException e) {
            throw new MalformedException("truncated or malformed message: " + e.getMessage());
        }
    }

    private static void record(ByteBuffer in, int[] at, List<Record> into) throws MalformedException,
            UnknownHostException {
        String name = name(in, at);
        int type = in.getShort(at[0]) & 0xffff;
        long ttl = in.getInt(at[0] + 4) & 0xffffffffL;
        int length = in.getShort(at[0] + 8) & 0xffff;
        int data = at[0] + 10;
        if (data + length > in.limit()) {
            throw new MalformedException("record data past the end of the message");
        }
        at[0] = data + length;
        if (into == null) {
            return;
        }
        switch (type) {
            case A, AAAA -> {
                if (length != (type == A ? 4 : 16)) {
                    throw new MalformedException("address record of " + length + " bytes");
                }
                byte[] b = new byte[length];
                in.get(data, b);
                into.add(new Record(name, type, ttl, InetAddress.getByAddress(b), 0, 0, 0, null));
            }
            case SRV -> {
                int[] t = {data + 6};
                String target = name(in, t);
                into.add(new Record(name, type, ttl, null, in.getShort(data) & 0xffff,
                        in.getShort(data + 2) & 0xffff, in.getShort(data + 4) & 0xffff, target));
            }
            default -> {
                // CNAME and the rest: their targets' records follow in the same answer.
            }
        }
    }

    /** Reads a name at {@code at[0]}, following compression pointers, and moves {@code at[0]} past it. */
    private static String name(ByteBuffer in, int[] at) throws MalformedException {
        StringBuilder b = new StringBuilder();
        int pos = at[0];
        int end = -1;
        for (int pointers = 0; ; ) {
            int len = in.get(pos) & 0xff;
            if ((len & 0xc0) == 0xc0) {
                if (++pointers > MAX_POINTERS) {
                    throw new MalformedException("compression loop");
                }
                if (end < 0) {
                    end = pos + 2;
                }
                pos = (len & 0x3f) << 8 | in.get(pos + 1) & 0xff;
                continue;
            }
            if (len == 0) {
                if (end < 0) {
                    end = pos + 1;
                }
                break;
            }
            if ((len & 0xc0) != 0) {
                throw new MalformedException("label type " + (len >> 6));
            }
            if (b.length() > 0) {
                b.append('.');
            }
            for (int i = 0; i < len; i++) {
                b.append((char) (in.get(pos + 1 + i) & 0xff));
            }
            if (b.length() > MAX_NAME) {
                throw new MalformedException("name longer than " + MAX_NAME);
            }
            pos += 1 + len;
        }
        at[0] = end;
        return b.toString().toLowerCase(Locale.ROOT);
    }
}
