package dev.sluice.config;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The global keywords that make Sluice run as a service: {@code daemon},
 * {@code pidfile}, the identity and root it takes after binding ({@code user},
 * {@code group}, {@code uid}, {@code gid}, {@code chroot}), {@code ulimit-n},
 * the runtime API's {@code stats socket} and {@code stats timeout}, and
 * {@code server-state-file}. Names of users and groups are looked up in
 * {@code /etc/passwd} and {@code /etc/group} when the file is read, as HAProxy
 * does, so that a name that does not exist is an error at its line.
 *
 * <p>Stateless; the directives run on the parser's thread.
 */
final class ProcessKeywords {
    static final Path PASSWD = Path.of("/etc/passwd");
    static final Path GROUP = Path.of("/etc/group");
    /** The largest id a {@code uid} or {@code gid} line may give: -1 would be "no change" to the system. */
    private static final int MAX_ID = Integer.MAX_VALUE;

    private ProcessKeywords() {
    }

    static void register(KeywordRegistry keywords) {
        keywords.global()
                .flag("daemon", (g, use) -> g.process.daemon = true)
                .single("pidfile", "<file>", (g, use) -> g.process.pidfile = Path.of(use.arg(0)))
                .single("uid", "<number>", (g, use) -> g.process.uid = use.number(use.arg(0), 0, MAX_ID))
                .single("gid", "<number>", (g, use) -> g.process.gid = use.number(use.arg(0), 0, MAX_ID))
                .single("user", "<user name>", (g, use) -> g.process.uid = id(use, PASSWD, "user"))
                .single("group", "<group name>", (g, use) -> g.process.gid = id(use, GROUP, "group"))
                .single("chroot", "<directory>", (g, use) -> g.process.chroot = Path.of(use.arg(0)))
                .single("ulimit-n", "<number>",
                        (g, use) -> g.process.ulimitN = use.number(use.arg(0), 1, Integer.MAX_VALUE))
                .repeatable("stats socket", "<path>|ipv4@<address>:<port> [mode <octal>] [level user|operator|admin]",
                        1, ProcessKeywords::statsSocket)
                .single("stats timeout", "<time>", (g, use) -> g.process.statsTimeoutMillis = use.timeMillis(use.arg(0)))
                .single("server-state-file", "<file>", (g, use) -> g.process.serverStateFile = Path.of(use.arg(0)));
    }

    /** The numeric id of {@code name} in {@code file} (passwd or group: name, password, id, ...). */
    private static int id(Invocation use, Path file, String what) throws ConfigException {
        String name = use.arg(0);
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw use.error("cannot read " + file + " to find " + what + " '" + name + "': " + e.getMessage());
        }
        for (String line : lines) {
            String[] fields = line.split(":", -1);
            if (fields.length >= 3 && fields[0].equals(name)) {
                try {
                    return Integer.parseInt(fields[2]);
                } catch (NumberFormatException e) {
                    throw use.error(file + " gives " + what + " '" + name + "' the id '" + fields[2] + "'");
                }
            }
        }
        throw use.error("no " + what + " named '" + name + "' in " + file);
    }

    /** {@code stats socket <path>|ipv4@<address>:<port> [mode <octal>] [level <level>]}. */
    private static void statsSocket(GlobalSection g, Invocation use) throws ConfigException {
        String where = use.arg(0);
        Path path = null;
        InetSocketAddress tcp = null;
        if (where.startsWith("ipv4@") || where.startsWith("ipv6@")) {
            tcp = use.address(where, 0);
        } else if (where.startsWith("/") || where.startsWith("unix@")) {
            path = Path.of(where.startsWith("unix@") ? where.substring(5) : where);
        } else {
            throw use.error("expected a UNIX socket's path or ipv4@ADDRESS:PORT, got '" + where + "'");
        }
        int mode = -1;
        StatsSocketConfig.Level level = StatsSocketConfig.Level.OPERATOR;
        for (int i = 1; i < use.args().size(); i += 2) {
            String option = use.arg(i);
            if (i + 1 >= use.args().size()) {
                throw use.error("'" + option + "' needs a value");
            }
            String value = use.arg(i + 1);
            switch (option) {
                case "mode" -> {
                    if (!value.matches("[0-7]{1,4}")) {
                        throw use.error("mode: expected octal permission bits such as 660, got '" + value + "'");
                    }
                    if (path == null) {
                        throw use.error("mode applies to a UNIX socket only");
                    }
                    mode = Integer.parseInt(value, 8);
                }
                case "level" -> level = switch (value.toLowerCase(Locale.ROOT)) {
                    case "user" -> StatsSocketConfig.Level.USER;
                    case "operator" -> StatsSocketConfig.Level.OPERATOR;
                    case "admin" -> StatsSocketConfig.Level.ADMIN;
                    default -> throw use.error("level: expected user, operator or admin, got '" + value + "'");
                };
                default -> throw use.error("'" + option + "' is not supported by Sluice (supported: mode, level)"
                        + (option.equals("expose-fd") ? "; Sluice reloads in its own process and passes no"
                        + " listening socket to another" : ""));
            }
        }
        for (StatsSocketConfig other : g.process.statsSockets) {
            if (other.describe().equals(new StatsSocketConfig(path, tcp, mode, level, 0).describe())) {
                throw use.error(where + " is already a stats socket at line " + other.line());
            }
        }
        g.process.statsSockets.add(new StatsSocketConfig(path, tcp, mode, level, use.line()));
    }
}
