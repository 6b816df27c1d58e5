package dev.sluice.session;

import dev.sluice.backend.Backend;
import dev.sluice.backend.BalanceKey;
import dev.sluice.http.HttpRequestView;

/**
 * Fills a session's {@link BalanceKey} with what its backend's {@code balance}
 * hashes, as views over the request buffer: the client's address, the request
 * target, or the value of the first field of the backend's {@code hdr(<name>)}
 * (names compared without case). Allocates nothing.
 *
 * <p>Stateless; called on the session's loop.
 */
final class BalanceKeys {
    private BalanceKeys() {
    }

    static BalanceKey fill(BalanceKey key, Backend backend, HttpRequestView request) {
        key.clear();
        switch (backend.keySource()) {
            case CLIENT_ADDRESS -> {
                byte[] a = request.clientAddress();
                if (a != null && a.length > 0) {
                    key.clientAddress(a);
                }
            }
            case TARGET -> key.bytes(request.buffer(), request.targetStart(), request.targetEnd());
            case HEADER -> {
                String name = backend.keyHeader();
                for (int h = 0; h < request.headerCount(); h++) {
                    if (nameIs(request, h, name)) {
                        key.bytes(request.buffer(), request.valueStart(h), request.valueEnd(h));
                        break;
                    }
                }
            }
            case NONE -> {
            }
        }
        return key;
    }

    /** Whether field {@code h} is named {@code lower}, compared without case. */
    private static boolean nameIs(HttpRequestView request, int h, String lower) {
        int start = request.nameStart(h);
        if (request.nameEnd(h) - start != lower.length()) {
            return false;
        }
        for (int i = 0; i < lower.length(); i++) {
            int c = request.buffer().get(start + i);
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
