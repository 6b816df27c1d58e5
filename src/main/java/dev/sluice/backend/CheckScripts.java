package dev.sluice.backend;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The scripts of the protocol checks ({@code option redis-check},
 * {@code smtpchk}, {@code ssl-hello-chk}, {@code mysql-check},
 * {@code pgsql-check}) and of {@code option httpchk}, as sequences of
 * {@link CheckStep}s with the meaning HAProxy gives each check. The bytes sent
 * are Sluice's own, written from the protocols' specifications.
 */
public final class CheckScripts {
    private CheckScripts() {
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static CheckStep.Expect regex(String regex, int minRecv, CheckStatus error) {
        return new CheckStep.Expect(CheckStep.Match.REGEX, false, null, Pattern.compile(regex), null, minRecv,
                CheckStatus.L7OK, error, CheckStatus.L7TOUT, "");
    }

    /**
     * {@code option httpchk} and {@code http-check}: one request, then the
     * expects given ({@code http-check expect}), or the implicit "status 2xx or
     * 3xx" when none is.
     */
    public static HealthCheckSpec http(byte[] request, List<CheckStep.Expect> expects) {
        List<CheckStep> steps = new ArrayList<>();
        steps.add(CheckStep.Connect.DEFAULT);
        steps.add(new CheckStep.Send(request));
        steps.addAll(expects.isEmpty() ? List.of(CheckStep.Expect.HTTP_2XX_3XX) : expects);
        return new HealthCheckSpec("httpchk", HealthCheckSpec.Protocol.HTTP, steps, false, 0, 0, false);
    }

    /** {@code option redis-check}: a PING in the protocol's array form, answered {@code +PONG}. */
    public static HealthCheckSpec redis() {
        return new HealthCheckSpec("redis-check", HealthCheckSpec.Protocol.TCP, List.of(CheckStep.Connect.DEFAULT,
                new CheckStep.Send(ascii("*1\r\n$4\r\nPING\r\n")),
                new CheckStep.Expect(CheckStep.Match.CONTAINS, false, ascii("+PONG\r\n"), null, null, -1,
                        CheckStatus.L7OK, CheckStatus.L7STS, CheckStatus.L7TOUT, "")), false, 0, 0, false);
    }

    /**
     * {@code option smtpchk [HELO|EHLO domain]}: the banner must be a reply
     * line, and a 2xx one; then the greeting must be answered 2xx. The
     * connection ends with a FIN, not a reset, so that the server logs no error.
     */
    public static HealthCheckSpec smtp(String greeting) {
        return new HealthCheckSpec("smtpchk", HealthCheckSpec.Protocol.TCP, List.of(
                new CheckStep.Connect(0, null, false, true),
                regex("^[0-9]{3}[ \r]", 4, CheckStatus.L7RSP),
                regex("^2[0-9]{2}[ \r]", 4, CheckStatus.L7STS),
                new CheckStep.Send(ascii(greeting + "\r\n")),
                regex("^2[0-9]{2}[- \r]", 4, CheckStatus.L7STS)), false, 0, 0, false);
    }

    /** {@code option ssl-hello-chk}: an SSLv3 ClientHello, answered by any TLS record (a handshake or an alert). */
    public static HealthCheckSpec sslHello() {
        return new HealthCheckSpec("ssl-hello-chk", HealthCheckSpec.Protocol.TCP, List.of(CheckStep.Connect.DEFAULT,
                new CheckStep.Send(clientHello()),
                new CheckStep.Expect(CheckStep.Match.TLS_RECORD, false, null, null, null, 5, CheckStatus.L6OK,
                        CheckStatus.L6RSP, CheckStatus.L6TOUT, "")), false, 0, 0, false);
    }

    /** {@code option mysql-check} without a user: the server's first packet must be a handshake, not an error. */
    public static HealthCheckSpec mysql() {
        return new HealthCheckSpec("mysql-check", HealthCheckSpec.Protocol.TCP, List.of(CheckStep.Connect.DEFAULT,
                CheckStep.Expect.of(CheckStep.Match.MYSQL_HANDSHAKE, false, null, null, null)), false, 0, 0, false);
    }

    /**
     * {@code option mysql-check user <name>}: a protocol 4.1 login for that user
     * without a password, sent at once and followed by a QUIT; the server's
     * handshake must not be an error, nor its answer to the login. It needs a
     * user that may log in from Sluice's address without a password, as in HAProxy.
     */
    public static HealthCheckSpec mysql(String user) {
        byte[] name = user.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream login = new ByteArrayOutputStream();
        // Capabilities: long password, long flag, protocol 4.1, transactions, secure connection.
        writeIntLittle(login, 0x0000a205);
        writeIntLittle(login, 1 << 24);
        login.write(0x21);
        login.writeBytes(new byte[23]);
        login.writeBytes(name);
        login.write(0);
        login.write(0);
        ByteArrayOutputStream packets = new ByteArrayOutputStream();
        int length = login.size();
        packets.write(length);
        packets.write(length >>> 8);
        packets.write(length >>> 16);
        packets.write(1);
        packets.writeBytes(login.toByteArray());
        // COM_QUIT, sequence 0 of a new command.
        packets.writeBytes(new byte[] {1, 0, 0, 0, 1});
        return new HealthCheckSpec("mysql-check", HealthCheckSpec.Protocol.TCP, List.of(
                new CheckStep.Connect(0, null, false, true), new CheckStep.Send(packets.toByteArray()),
                CheckStep.Expect.of(CheckStep.Match.MYSQL_HANDSHAKE, false, null, null, null),
                CheckStep.Expect.of(CheckStep.Match.MYSQL_OK, false, null, null, null)), false, 0, 0, false);
    }

    private static void writeIntLittle(ByteArrayOutputStream out, int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }

    /**
     * {@code option pgsql-check user <name>}: a protocol 3.0 StartupMessage for
     * that user, answered by an authentication request rather than an error.
     */
    public static HealthCheckSpec pgsql(String user) {
        byte[] name = user.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeInt(body, 196608);
        body.writeBytes(ascii("user"));
        body.write(0);
        body.writeBytes(name);
        body.write(0);
        body.write(0);
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        writeInt(packet, body.size() + 4);
        packet.writeBytes(body.toByteArray());
        return new HealthCheckSpec("pgsql-check", HealthCheckSpec.Protocol.TCP, List.of(
                new CheckStep.Connect(0, null, false, true), new CheckStep.Send(packet.toByteArray()),
                CheckStep.Expect.of(CheckStep.Match.PGSQL_AUTH, false, null, null, null)), false, 0, 0, false);
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    /**
     * An SSLv3 ClientHello record: version 3.0, a fixed random, no session,
     * a handful of RSA suites and the renegotiation signalling value, null
     * compression. A TLS server answers it with its hello or with an alert;
     * either is a TLS record, which is all the check asks.
     */
    static byte[] clientHello() {
        int[] suites = {0x0035, 0x002f, 0x000a, 0x0005, 0x0004, 0x00ff};
        ByteArrayOutputStream hello = new ByteArrayOutputStream();
        hello.write(3);
        hello.write(0);
        for (int i = 0; i < 32; i++) {
            hello.write(0x5a ^ i);
        }
        hello.write(0);
        hello.write(0);
        hello.write(suites.length * 2);
        for (int s : suites) {
            hello.write(s >>> 8);
            hello.write(s);
        }
        hello.write(1);
        hello.write(0);
        byte[] body = hello.toByteArray();
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(0x16);
        record.write(3);
        record.write(0);
        int handshake = body.length + 4;
        record.write(handshake >>> 8);
        record.write(handshake);
        record.write(1);
        record.write(0);
        record.write(body.length >>> 8);
        record.write(body.length);
        record.writeBytes(body);
        return record.toByteArray();
    }
}
