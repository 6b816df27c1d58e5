package dev.sluice.net;

import javax.net.ssl.SSLException;

/** A TLS connection that cannot go on: its peer broke the protocol, or a record did not fit where it must. */
public class TlsFailure extends SSLException {
    private static final long serialVersionUID = 1L;

    public TlsFailure(String reason) {
        super(reason);
    }
}
