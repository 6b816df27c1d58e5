package dev.sluice.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

/**
 * What reading one file needs besides its text: where its warnings go, how host
 * names resolve (as HAProxy resolves them, once, when the file is read), and the
 * environment {@code "$NAME"} expands from.
 *
 * <p>Not thread-safe: used by one parser.
 */
final class ReadContext {
    /** Resolves a host name the way the system does; tests may answer for names that do not exist here. */
    @FunctionalInterface
    interface Resolver {
        InetAddress resolve(String host) throws UnknownHostException;
    }

    final Diagnostics diagnostics;
    final Resolver resolver;
    final Map<String, String> environment;

    ReadContext(Diagnostics diagnostics, Resolver resolver, Map<String, String> environment) {
        this.diagnostics = diagnostics;
        this.resolver = resolver;
        this.environment = environment;
    }

    /** A context for reading outside any file (tests of one keyword): the system's resolver and environment. */
    static ReadContext standalone(String file) {
        return new ReadContext(new Diagnostics(file), InetAddress::getByName, System.getenv());
    }
}
