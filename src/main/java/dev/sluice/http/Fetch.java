package dev.sluice.http;

/**
 * What part of a request an ACL looks at, named as the configuration file
 * names it: {@code path}, {@code url}, {@code hdr(NAME)} (also
 * {@code req.hdr(NAME)}), {@code hdr_cnt(NAME)}, {@code method}, {@code src},
 * {@code dst}, {@code dst_port}, {@code nbsrv(BACKEND)}, {@code ssl_fc},
 * {@code ssl_fc_sni}, {@code ssl_fc_protocol}, and in mode tcp the payload
 * fetches {@code req.len}, {@code req.ssl_hello_type} and {@code req.ssl_sni}.
 *
 * <p>Immutable; safe from any thread.
 */
public enum Fetch {
    /** The target's path: from its first {@code /} (after the authority, in absolute form) up to {@code ?}. */
    PATH("path", AclMatch.STR),
    /** Every value of the named header field, each comma-separated element on its own. */
    HDR("hdr", AclMatch.STR),
    /** The request method, byte for byte. */
    METHOD("method", AclMatch.STR),
    /** The client's IP address, matched against addresses and CIDR prefixes. */
    SRC("src", AclMatch.IP),
    /**
     * The address the client connected to on Sluice, matched as {@link #SRC}.
     * No session supplies it to {@link Acl#matches} yet: the configuration
     * check refuses the ACLs that use it until one does.
     */
    DST("dst", AclMatch.IP),
    /** The port the client connected to on Sluice, matched against ports and ranges; supplied as {@link #DST}. */
    DST_PORT("dst_port", AclMatch.INT),
    /** The whole request target as the request line has it, query included. */
    URL("url", AclMatch.STR),
    /** How many values the named header has (each comma-separated element counts), or all fields' without a name. */
    HDR_CNT("hdr_cnt", AclMatch.INT),
    /** How many servers of the named backend may take a request now ({@link ConnectionAddresses#servers()}). */
    NBSRV("nbsrv", AclMatch.INT),
    /**
     * Whether the client connection came over TLS, a {@code bind ... ssl}
     * listener ({@link ConnectionAddresses#tls()}).
     */
    SSL_FC("ssl_fc", AclMatch.BOOL),
    /**
     * The server name a TLS client asked for (SNI), in lower case, as the
     * handshake left it; nothing on a plain connection or without SNI.
     */
    SSL_FC_SNI("ssl_fc_sni", AclMatch.STR),
    /** The TLS version agreed on ({@code TLSv1.2}, {@code TLSv1.3}); nothing on a plain connection. */
    SSL_FC_PROTOCOL("ssl_fc_protocol", AclMatch.STR),
    /** Whether the TLS client gave a certificate ({@code bind ... verify optional|required}). */
    SSL_C_USED("ssl_c_used", AclMatch.BOOL),
    /**
     * The result of checking the client's certificate, as OpenSSL numbers it:
     * 0, since a certificate that does not check out fails the handshake (and
     * a client without one has nothing to fail); nothing on a plain connection.
     */
    SSL_C_VERIFY("ssl_c_verify", AclMatch.INT),
    /**
     * Mode tcp, the payload: how many bytes the client has sent that wait to
     * go on ({@code req.len}, also {@code req_len}). Until the payload is final
     * a value that does not match yet may still match later.
     */
    REQ_LEN("req.len", AclMatch.INT),
    /**
     * Mode tcp, the payload: the handshake type of the first TLS record
     * ({@code 1}, a ClientHello), read without terminating TLS
     * ({@code req.ssl_hello_type}, also {@code req_ssl_hello_type}); nothing
     * when the bytes are no TLS handshake.
     */
    REQ_SSL_HELLO_TYPE("req.ssl_hello_type", AclMatch.INT),
    /**
     * Mode tcp, the payload: the server name a ClientHello asks for, read
     * without terminating TLS, byte for byte as the client wrote it
     * ({@code req.ssl_sni}, also {@code req_ssl_sni}); for SNI routing behind
     * {@code tcp-request inspect-delay}. Nothing when there is no ClientHello
     * or it names no host.
     */
    REQ_SSL_SNI("req.ssl_sni", AclMatch.STR),
    /**
     * Whether sticky counter N tracks an entry now ({@code sc_tracked(N)},
     * {@code scN_tracked}); the counter's number is the ACL's argument.
     */
    /**
     * A variable of the connection or its request ({@code var(txn.NAME)}),
     * as {@code http-request set-var} set it; nothing while it is unset.
     */
    VAR("var", AclMatch.STR),
    SC_TRACKED("sc_tracked", AclMatch.BOOL),
    /** A tracked counter's {@code conn_cur}: {@code sc_conn_cur(N[,TABLE])}, {@code scN_conn_cur([TABLE])}. */
    SC_CONN_CUR("sc_conn_cur", AclMatch.INT),
    /** A tracked counter's {@code conn_cnt}. */
    SC_CONN_CNT("sc_conn_cnt", AclMatch.INT),
    /** A tracked counter's {@code conn_rate}. */
    SC_CONN_RATE("sc_conn_rate", AclMatch.INT),
    /** A tracked counter's {@code http_req_cnt}. */
    SC_HTTP_REQ_CNT("sc_http_req_cnt", AclMatch.INT),
    /** A tracked counter's {@code http_req_rate}. */
    SC_HTTP_REQ_RATE("sc_http_req_rate", AclMatch.INT),
    /** A tracked counter's {@code http_err_cnt}. */
    SC_HTTP_ERR_CNT("sc_http_err_cnt", AclMatch.INT),
    /** A tracked counter's {@code http_err_rate}. */
    SC_HTTP_ERR_RATE("sc_http_err_rate", AclMatch.INT),
    /**
     * The client address's {@code conn_cur} in a table, looked up without
     * tracking it ({@code src_conn_cur([TABLE])}, the section's own table
     * without one); 0 when the address has no entry.
     */
    SRC_CONN_CUR("src_conn_cur", AclMatch.INT),
    /** The client address's {@code conn_cnt}, looked up as {@link #SRC_CONN_CUR}. */
    SRC_CONN_CNT("src_conn_cnt", AclMatch.INT),
    /** The client address's {@code conn_rate}. */
    SRC_CONN_RATE("src_conn_rate", AclMatch.INT),
    /** The client address's {@code http_req_cnt}. */
    SRC_HTTP_REQ_CNT("src_http_req_cnt", AclMatch.INT),
    /** The client address's {@code http_req_rate}. */
    SRC_HTTP_REQ_RATE("src_http_req_rate", AclMatch.INT),
    /** The client address's {@code http_err_cnt}. */
    SRC_HTTP_ERR_CNT("src_http_err_cnt", AclMatch.INT),
    /** The client address's {@code http_err_rate}. */
    SRC_HTTP_ERR_RATE("src_http_err_rate", AclMatch.INT);

    private final String keyword;
    private final AclMatch defaultMatch;

    Fetch(String keyword, AclMatch defaultMatch) {
        this.keyword = keyword;
        this.defaultMatch = defaultMatch;
    }

    /** The word the configuration file uses, without suffix or argument. */
    public String keyword() {
        return keyword;
    }

    /** Whether it reads the client's bytes in mode tcp, whose answer may wait for more of them. */
    public boolean readsPayload() {
        return this == REQ_LEN || this == REQ_SSL_HELLO_TYPE || this == REQ_SSL_SNI;
    }

    /** Whether it reads a sticky counter the connection tracks ({@code sc_*}). */
    public boolean readsTrackedCounter() {
        return name().startsWith("SC_");
    }

    /** Whether it looks the client address up in a stick table ({@code src_*}). */
    public boolean readsClientEntry() {
        return name().startsWith("SRC_");
    }

    /** The stored data a {@code sc_*} or {@code src_*} fetch reads, or null ({@code sc_tracked}, the others). */
    public dev.sluice.stick.StickData stickData() {
        if (!readsTrackedCounter() && !readsClientEntry()) {
            return null;
        }
        return dev.sluice.stick.StickData.named(keyword.substring(keyword.indexOf('_') + 1));
    }

    /** How values are compared when no {@code -m} flag and no suffix ({@code _beg}, ...) says otherwise. */
    public AclMatch defaultMatch() {
        return defaultMatch;
    }
}
