package dev.sluice.net;

import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

/** The server name a TLS client asked for (SNI), read once when its handshake ends. */
final class TlsNames {
    private TlsNames() {
    }

    /** The client's host name, in lower case, or null when it sent none (or this end is the client). */
    static String requestedServerName(SSLEngine engine) {
        if (engine.getUseClientMode()) {
            return null;
        }
        SSLSession s = engine.getSession();
        if (!(s instanceof ExtendedSSLSession e)) {
            return null;
        }
        List<SNIServerName> names = e.getRequestedServerNames();
        for (SNIServerName n : names) {
            if (n instanceof SNIHostName h) {
                return h.getAsciiName().toLowerCase(java.util.Locale.ROOT);
            }
        }
        return null;
    }
}
