package dev.sluice.log;

/**
 * The first character of a termination state ({@code %ts}, {@code %tsc}): the
 * first event that ended the session, by HAProxy's table. The session's logging
 * phase maps its outcome to one of these; docs/logging.md has Sluice's mapping.
 */
public enum TerminationCause {
    /** {@code C}: the client aborted the connection (a reset, or a close before the exchange was done). */
    CLIENT_ABORT('C'),
    /** {@code S}: the server aborted the connection, or refused it. */
    SERVER_ABORT('S'),
    /** {@code P}: the proxy ended the session: a limit, a deny rule, a security check, a message it refused. */
    PROXY('P'),
    /** {@code L}: the proxy answered the request itself and passed nothing to a server. */
    LOCAL('L'),
    /** {@code R}: a resource of the proxy ran out (memory, sockets, source ports). */
    RESOURCE('R'),
    /** {@code I}: an internal error, a bug. */
    INTERNAL('I'),
    /** {@code D}: the server went down and its sessions were killed. */
    SERVER_DOWN('D'),
    /** {@code U}: an active server came up and the backup server's sessions were killed. */
    BACKUP_KILLED('U'),
    /** {@code K}: an administrator killed the session (Sluice: a hard stop after {@code hard-stop-after}). */
    KILLED('K'),
    /** {@code c}: the client-side timeout expired. */
    CLIENT_TIMEOUT('c'),
    /** {@code s}: the server-side timeout expired (connect, queue or server). */
    SERVER_TIMEOUT('s'),
    /** {@code -}: normal completion: both ends closed with nothing left in the buffers. */
    NONE('-');

    private final char code;

    TerminationCause(char code) {
        this.code = code;
    }

    /** The character logged. */
    public char code() {
        return code;
    }

    /**
     * True for the causes HAProxy counts as errors for {@code option log-separate-errors}
     * and {@code option dontlog-normal}: all but a normal end and a local answer.
     */
    boolean isError() {
        return this != NONE && this != LOCAL;
    }
}
