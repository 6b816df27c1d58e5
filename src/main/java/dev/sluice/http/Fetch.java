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
    REQ_SSL_SNI("req.ssl_sni", AclMatch.STR);

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

    /** How values are compared when no {@code -m} flag and no suffix ({@code _beg}, ...) says otherwise. */
    public AclMatch defaultMatch() {
        return defaultMatch;
    }
}
