package dev.sluice.log;

/**
 * The {@code %} variables of a log format: HAProxy's (with its meanings) and
 * Sluice's own {@code %Tb} family. Each says whether it exists only in HTTP mode and
 * how the {@code Q} (quote) flag treats it: strings are quoted, numbers, dates and
 * termination states are not.
 */
enum LogVariable {
    BYTES_READ("B", Kind.NUMBER, false),
    REQUEST_COOKIE("CC", Kind.ABSENT_STRING, true),
    RESPONSE_COOKIE("CS", Kind.ABSENT_STRING, true),
    HOSTNAME("H", Kind.STRING, false),
    METHOD("HM", Kind.STRING, true),
    URI_PATH("HP", Kind.STRING, true),
    PATH_ONLY("HPO", Kind.STRING, true),
    QUERY("HQ", Kind.STRING, true),
    URI("HU", Kind.STRING, true),
    VERSION("HV", Kind.STRING, true),
    UNIQUE_ID("ID", Kind.ABSENT_STRING, false),
    STATUS("ST", Kind.NUMBER, false),
    GMT_DATE("T", Kind.DATE, false),
    ACTIVE_TIME("Ta", Kind.NUMBER, true),
    BUFFER_WAIT("Tb", Kind.NUMBER, false),
    BUFFER_WAIT_CRITICAL("Tbc", Kind.NUMBER, false),
    BUFFER_WAIT_NORMAL("Tbn", Kind.NUMBER, false),
    BUFFER_WAIT_URGENT("Tbu", Kind.NUMBER, false),
    CONNECT_TIME("Tc", Kind.NUMBER, false),
    DATA_TIME("Td", Kind.NUMBER, false),
    HANDSHAKE_TIME("Th", Kind.NUMBER, false),
    IDLE_TIME("Ti", Kind.NUMBER, true),
    LOCAL_DATE("Tl", Kind.DATE, false),
    REQUEST_TOTAL_TIME("Tq", Kind.NUMBER, true),
    REQUEST_TIME("TR", Kind.NUMBER, true),
    RESPONSE_TIME("Tr", Kind.NUMBER, true),
    TIMESTAMP("Ts", Kind.HEX_NUMBER, false),
    TOTAL_TIME("Tt", Kind.NUMBER, false),
    USER_TIME("Tu", Kind.NUMBER, false),
    QUEUE_TIME("Tw", Kind.NUMBER, false),
    BYTES_UPLOADED("U", Kind.NUMBER, false),
    ACTIVE_CONNECTIONS("ac", Kind.NUMBER, false),
    BACKEND("b", Kind.STRING, false),
    BACKEND_CONNECTIONS("bc", Kind.NUMBER, false),
    SOURCE_IP("bi", Kind.IP, false),
    SOURCE_PORT("bp", Kind.PORT, false),
    BACKEND_QUEUE("bq", Kind.NUMBER, false),
    CLIENT_IP("ci", Kind.IP, false),
    CLIENT_PORT("cp", Kind.PORT, false),
    FRONTEND("f", Kind.STRING, false),
    FRONTEND_CONNECTIONS("fc", Kind.NUMBER, false),
    FRONTEND_IP("fi", Kind.IP, false),
    FRONTEND_PORT("fp", Kind.PORT, false),
    FRONTEND_TRANSPORT("ft", Kind.STRING, false),
    LOG_COUNTER("lc", Kind.NUMBER, false),
    REQUEST_HEADERS("hr", Kind.CAPTURE, false),
    REQUEST_HEADERS_CLF("hrl", Kind.CAPTURE, false),
    RESPONSE_HEADERS("hs", Kind.CAPTURE, false),
    RESPONSE_HEADERS_CLF("hsl", Kind.CAPTURE, false),
    ACCEPT_MILLIS("ms", Kind.NUMBER, false),
    PID("pid", Kind.HEX_NUMBER, false),
    REQUEST("r", Kind.STRING, true),
    RETRIES("rc", Kind.NUMBER, false),
    REQUEST_COUNTER("rt", Kind.HEX_NUMBER, false),
    SERVER("s", Kind.STRING, false),
    SERVER_CONNECTIONS("sc", Kind.NUMBER, false),
    SERVER_IP("si", Kind.IP, false),
    SERVER_PORT("sp", Kind.PORT, false),
    SERVER_QUEUE("sq", Kind.NUMBER, false),
    ACCEPT_DATE("t", Kind.DATE, false),
    REQUEST_DATE("tr", Kind.DATE, true),
    REQUEST_GMT_DATE("trg", Kind.DATE, true),
    REQUEST_LOCAL_DATE("trl", Kind.DATE, true),
    TERMINATION("ts", Kind.FLAGS, false),
    TERMINATION_COOKIE("tsc", Kind.FLAGS, true),
    TLS_CIPHER("sslc", Kind.ABSENT_STRING, false),
    TLS_VERSION("sslv", Kind.ABSENT_STRING, false);

    /** How a variable's value is written, and whether {@code Q} and {@code X} apply to it. */
    enum Kind {
        /** A string, quoted under {@code Q}. */
        STRING,
        /** A string that may be absent: {@code -}, or {@code ""} under {@code Q}. */
        ABSENT_STRING,
        /** An address: quoted under {@code Q}, hexadecimal (and then not quoted) under {@code X}. */
        IP,
        /** A port: hexadecimal on 4 digits under {@code X}. */
        PORT,
        /** A number that {@code X} writes in hexadecimal. */
        HEX_NUMBER,
        /** A decimal number. */
        NUMBER,
        /** A date. */
        DATE,
        /** Termination state characters. */
        FLAGS,
        /** Captured headers ({@code capture request|response header}): nothing when the frontend has none. */
        CAPTURE
    }

    private static final LogVariable[] VALUES = values();

    final String word;
    final Kind kind;
    final boolean httpOnly;

    LogVariable(String word, Kind kind, boolean httpOnly) {
        this.word = word;
        this.kind = kind;
        this.httpOnly = httpOnly;
    }

    /** The variable called {@code word} (case matters: {@code %Tr} is not {@code %TR}), or null. */
    static LogVariable byWord(String word) {
        for (LogVariable v : VALUES) {
            if (v.word.equals(word)) {
                return v;
            }
        }
        return null;
    }
}
