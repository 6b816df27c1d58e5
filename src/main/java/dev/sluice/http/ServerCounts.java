package dev.sluice.http;

/**
 * What the {@code nbsrv(BACKEND)} fetch reads: how many servers of a backend
 * may take a request now. The runtime answers it from its backends; the rules
 * see it through {@link ConnectionAddresses#servers()}.
 *
 * <p>Implementations are called on a loop for each test of an ACL: they must
 * not block nor allocate (a map lookup by a name held as a constant does neither).
 */
@FunctionalInterface
public interface ServerCounts {
    /** Knows no backend: every count is 0. */
    ServerCounts NONE = backend -> 0;

    /** Servers of {@code backend} that may take a new request now; 0 for a backend that does not exist. */
    int usableServers(String backend);
}
