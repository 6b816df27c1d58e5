package dev.sluice.backend;

import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One step of a health check's script, as {@code tcp-check} and
 * {@code http-check} write them: open a connection, send bytes, or expect
 * something of what the server sends. The default check is a single
 * {@link Connect}.
 *
 * <p>Immutable; safe to share between threads.
 */
public sealed interface CheckStep permits CheckStep.Connect, CheckStep.Send, CheckStep.Expect {
    /**
     * Opens a new connection (closing the previous one, if any).
     *
     * @param port the port to connect to; 0 for the server's check port ({@code port}, else its own)
     * @param address the host to connect to; null for the server's check address ({@code addr}, else its own)
     * @param sendProxy send a PROXY protocol v1 header first ({@code send-proxy})
     * @param linger close with a FIN rather than a reset ({@code linger})
     */
    record Connect(int port, String address, boolean sendProxy, boolean linger) implements CheckStep {
        /** {@code connect} with the server's defaults. */
        public static final Connect DEFAULT = new Connect(0, null, false, false);
    }

    /** Sends these bytes; what was received before is forgotten, as in HAProxy. */
    record Send(byte[] bytes) implements CheckStep {
        public Send {
            bytes = bytes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Send s && Arrays.equals(bytes, s.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Send[" + bytes.length + " bytes]";
        }
    }

    /**
     * Waits for the server's bytes until {@code match} decides.
     *
     * @param match what to look for
     * @param inverse {@code !}: the step passes when the match fails
     * @param literal the bytes of {@code string}/{@code binary} matches, the body string of HTTP {@code string}
     * @param regex the expression of {@code rstring}/{@code rbinary}/{@code rstatus} matches
     * @param statuses {@code status} ranges, as pairs low, high
     * @param minRecv {@code min-recv}: decide only once this many bytes arrived; -1 when unset
     * @param okStatus the status reported when this is the last step and it passes
     * @param errorStatus the status reported when it fails
     * @param timeoutStatus the status reported when the check times out while waiting here
     * @param comment {@code comment}, for the log; empty when none
     */
    record Expect(Match match, boolean inverse, byte[] literal, Pattern regex, int[] statuses, int minRecv,
                  CheckStatus okStatus, CheckStatus errorStatus, CheckStatus timeoutStatus, String comment)
            implements CheckStep {
        public Expect {
            Objects.requireNonNull(match, "match");
            literal = literal == null ? new byte[0] : literal.clone();
            statuses = statuses == null ? new int[0] : statuses.clone();
            Objects.requireNonNull(okStatus, "okStatus");
            Objects.requireNonNull(errorStatus, "errorStatus");
            Objects.requireNonNull(timeoutStatus, "timeoutStatus");
            Objects.requireNonNull(comment, "comment");
        }

        /** An expect with HAProxy's default statuses for its kind. */
        public static Expect of(Match match, boolean inverse, byte[] literal, Pattern regex, int[] statuses) {
            boolean tls = match == Match.TLS_RECORD;
            return new Expect(match, inverse, literal, regex, statuses, -1, tls ? CheckStatus.L6OK : CheckStatus.L7OK,
                    match.defaultError, tls ? CheckStatus.L6TOUT : CheckStatus.L7TOUT, "");
        }

        /** The HTTP check's implicit last step: a status from 200 to 399. */
        public static final Expect HTTP_2XX_3XX = of(Match.HTTP_STATUS, false, null, null, new int[] {200, 399});

        /** Whether the status is in one of the ranges. */
        boolean statusMatches(int status) {
            for (int i = 0; i + 1 < statuses.length; i += 2) {
                if (status >= statuses[i] && status <= statuses[i + 1]) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Expect e && match == e.match && inverse == e.inverse && Arrays.equals(literal, e.literal)
                    && Objects.equals(regex == null ? null : regex.pattern(), e.regex == null ? null : e.regex.pattern())
                    && Arrays.equals(statuses, e.statuses) && minRecv == e.minRecv && okStatus == e.okStatus
                    && errorStatus == e.errorStatus && timeoutStatus == e.timeoutStatus && comment.equals(e.comment);
        }

        @Override
        public int hashCode() {
            return Objects.hash(match, inverse, Arrays.hashCode(literal), Arrays.hashCode(statuses), minRecv);
        }

        @Override
        public String toString() {
            return "Expect[" + (inverse ? "! " : "") + match + "]";
        }
    }

    /** What an {@link Expect} looks for. */
    enum Match {
        /** The bytes received contain the literal ({@code tcp-check expect string}, {@code binary}). */
        CONTAINS(false, CheckStatus.L7RSP),
        /** The bytes received, as Latin-1 text, match the expression ({@code rstring}). */
        REGEX(false, CheckStatus.L7RSP),
        /** The bytes received, written as upper-case hexadecimal, match the expression ({@code rbinary}). */
        HEX_REGEX(false, CheckStatus.L7RSP),
        /** A TLS record comes back: its first byte is an alert (0x15) or a handshake (0x16) ({@code ssl-hello-chk}). */
        TLS_RECORD(false, CheckStatus.L6RSP),
        /** A MySQL handshake packet, not an error packet, comes back ({@code mysql-check}). */
        MYSQL_HANDSHAKE(false, CheckStatus.L7RSP),
        /** After the handshake, the answer to the login is not an error packet ({@code mysql-check user}). */
        MYSQL_OK(false, CheckStatus.L7STS),
        /** A PostgreSQL authentication request ('R'), not an error ('E'), comes back ({@code pgsql-check}). */
        PGSQL_AUTH(false, CheckStatus.L7RSP),
        /** The HTTP status is in the ranges ({@code http-check expect status}). */
        HTTP_STATUS(true, CheckStatus.L7STS),
        /** The HTTP status, as three digits, matches the expression ({@code rstatus}). */
        HTTP_STATUS_REGEX(true, CheckStatus.L7STS),
        /** The HTTP body contains the literal ({@code http-check expect string}). */
        HTTP_BODY(true, CheckStatus.L7RSP),
        /** The HTTP body matches the expression ({@code rstring}). */
        HTTP_BODY_REGEX(true, CheckStatus.L7RSP);

        final boolean http;
        final CheckStatus defaultError;

        Match(boolean http, CheckStatus defaultError) {
            this.http = http;
            this.defaultError = defaultError;
        }
    }
}
