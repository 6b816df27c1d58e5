package dev.sluice.http;

import dev.sluice.buffer.Buffer;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import static dev.sluice.http.TestBytes.bytes;

/** Test helpers for the rules: real requests parsed in a pool buffer, and an edit recorder. */
final class RuleRequests {
    static final HttpLimits LIMITS = HttpLimits.forBuffer(16384, 1024);

    private RuleRequests() {
    }

    /** Parses {@code head} (CRLF line ends added) from a client at {@code client}; fails if the parser refuses it. */
    static ParsedRequest request(String client, String... lines) {
        StringBuilder head = new StringBuilder();
        for (String line : lines) {
            head.append(line).append("\r\n");
        }
        head.append("\r\n");
        Buffer buffer = TestBytes.newBuffer();
        TestBytes.load(buffer, 3, bytes(head.toString()));
        HttpHeadParser parser = new HttpHeadParser(MessageKind.REQUEST, LIMITS);
        if (parser.parse(buffer) != HttpHeadParser.Progress.COMPLETE) {
            throw new IllegalArgumentException("test request refused: " + parser.error());
        }
        return new ParsedRequest().bind(buffer, parser, address(client));
    }

    static ParsedRequest get(String target, String host) {
        return request("192.0.2.7", "GET " + target + " HTTP/1.1", "Host: " + host);
    }

    static byte[] address(String literal) {
        try {
            return literal.isEmpty() ? new byte[0] : InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Acl acl(Fetch fetch, String header, AclMatch match, boolean ignoreCase, String... values) {
        return Acl.compile(fetch, header, match, ignoreCase, List.of(values));
    }

    /** Records edits as text: "-N" for a deletion of header N, "+Name: value" for an appended field. */
    static final class RecordingEdits implements HeaderEdits {
        final List<String> edits = new ArrayList<>();

        @Override
        public void delete(int header) {
            edits.add("-" + header);
        }

        @Override
        public void append(byte[] fieldLine) {
            edits.add("+" + new String(fieldLine, java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        public void replace(int start, int end, byte[] with, int offset, int length) {
            edits.add("~" + start + "," + end + "=" + new String(with, offset, length,
                    java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
