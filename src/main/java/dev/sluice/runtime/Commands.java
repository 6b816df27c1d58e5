package dev.sluice.runtime;

import dev.sluice.backend.Backend;
import dev.sluice.backend.Server;
import dev.sluice.backend.ServerRole;
import dev.sluice.backend.ServerState;
import dev.sluice.config.StatsSocketConfig.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HAProxy's runtime API commands, as Sluice runs them: each command's words,
 * the level it needs, and what it answers, in HAProxy's formats where HAProxy
 * has one ({@code show info}, {@code show stat}, {@code show servers state}),
 * so that the tools written for HAProxy's socket read Sluice's.
 *
 * <p>Thread-safe: stateless; runs on the runtime API's connection threads.
 */
final class Commands {
    /** The most sessions {@code show sess} lists, so that its answer stays bounded. */
    static final int MAX_SESSIONS_SHOWN = 10_000;

    private final ProxyControl proxy;

    Commands(ProxyControl proxy) {
        this.proxy = proxy;
    }

    /** One command of the table: its words, the level it needs, its help line. */
    private record Spec(String words, Level level, String help) {
    }

    private static final List<Spec> SPECS = List.of(
            new Spec("help", Level.USER, "this list"),
            new Spec("prompt", Level.USER, "toggle interactive mode with prompt ('prompt n|i|p' to choose)"),
            new Spec("quit", Level.USER, "end the connection"),
            new Spec("show info", Level.USER, "process information ('typed' for the typed format)"),
            new Spec("show stat", Level.USER, "frontends, backends and servers, CSV ('typed' for the typed format)"),
            new Spec("show backend", Level.USER, "the backends' names"),
            new Spec("show servers state", Level.OPERATOR, "[<backend>] the servers' states, server-state-file format"),
            new Spec("show sess", Level.OPERATOR, "the open sessions, one line each"),
            new Spec("show pools", Level.OPERATOR, "each loop's buffer pool, per criticality class"),
            new Spec("set server", Level.ADMIN, "<b>/<s> state ready|drain|maint | weight <n>[%] | addr <ip> [port <p>]"),
            new Spec("enable server", Level.ADMIN, "<b>/<s>: leave maintenance"),
            new Spec("disable server", Level.ADMIN, "<b>/<s>: enter maintenance"),
            new Spec("set maxconn server", Level.ADMIN, "<b>/<s> <n>: the server's maxconn"),
            new Spec("add server", Level.ADMIN, "<b>/<s> <addr>[:<port>] [options]: a new server, in maintenance"),
            new Spec("del server", Level.ADMIN, "<b>/<s>: remove a server in maintenance without sessions"),
            new Spec("shutdown sessions server", Level.ADMIN, "<b>/<s>: abort every session using the server"),
            new Spec("reload", Level.ADMIN, "read the configuration file again and run it, as SIGHUP does"));

    /** Runs one command; returns its answer, each line ending in a newline. */
    String run(List<String> words, Level level) {
        if (words.isEmpty()) {
            return "";
        }
        Spec spec = find(words);
        if (spec == null) {
            return "Unknown command: '" + String.join(" ", words) + "'\n" + help(level);
        }
        if (spec.level().compareTo(level) > 0) {
            return "Permission denied: '" + spec.words() + "' needs level " + spec.level().keyword() + "\n";
        }
        List<String> args = words.subList(spec.words().split(" ").length, words.size());
        try {
            return switch (spec.words()) {
                case "help" -> help(level);
                case "show info" -> showInfo(args.contains("typed"));
                case "show stat" -> dev.sluice.stats.StatCsv.render(proxy.frontends().stream()
                        .map(f -> new dev.sluice.stats.StatCsv.Frontend(f.name(), f.mode(), f.limit(), f.requests())).toList(),
                        proxy.backends(), args.contains("typed"));
                case "show backend" -> showBackend();
                case "show servers state" -> ServerStateFile.render(proxy.backends(), args.isEmpty() ? null
                        : backend(args.get(0)).name());
                case "show sess" -> showSess();
                case "show pools" -> showPools();
                case "set server" -> setServer(args);
                case "enable server" -> admin(server(args, 1), "ready");
                case "disable server" -> admin(server(args, 1), "maint");
                case "set maxconn server" -> setMaxconn(args);
                case "add server" -> addServer(args);
                case "del server" -> delServer(args);
                case "shutdown sessions server" -> shutdownSessions(args);
                case "reload" -> String.join("\n", proxy.reload()) + "\n";
                default -> throw new IllegalStateException("no handler for " + spec.words());
            };
        } catch (CommandException e) {
            return e.getMessage() + "\n";
        }
    }

    /** The longest command name the words start with. */
    private static Spec find(List<String> words) {
        Spec best = null;
        for (Spec s : SPECS) {
            String[] w = s.words().split(" ");
            if (w.length <= words.size() && (best == null || w.length > best.words().split(" ").length)) {
                boolean match = true;
                for (int i = 0; i < w.length && match; i++) {
                    match = w[i].equals(words.get(i).toLowerCase(Locale.ROOT));
                }
                if (match) {
                    best = s;
                }
            }
        }
        return best;
    }

    static boolean isPrompt(List<String> words) {
        return !words.isEmpty() && words.get(0).equals("prompt");
    }

    static boolean isQuit(List<String> words) {
        return words.size() == 1 && words.get(0).equals("quit");
    }

    private static String help(Level level) {
        StringBuilder b = new StringBuilder("The following commands are valid at this level:\n");
        for (Spec s : SPECS) {
            if (s.level().compareTo(level) <= 0) {
                b.append("  ").append(String.format("%-26s", s.words())).append(": ").append(s.help()).append('\n');
            }
        }
        return b.toString();
    }

    // --- reading ---

    private String showInfo(boolean typed) {
        StringBuilder b = new StringBuilder();
        int pos = 0;
        for (Map.Entry<String, String> e : proxy.info().entrySet()) {
            if (typed) {
                boolean number = e.getValue().matches("-?[0-9]+");
                b.append(pos).append('.').append(e.getKey()).append(".1:").append(number ? "MGP:" : "NSP:")
                        .append(number ? "u64:" : "str:").append(e.getValue()).append('\n');
            } else {
                b.append(e.getKey()).append(": ").append(e.getValue()).append('\n');
            }
            pos++;
        }
        return b.toString();
    }

    private String showBackend() {
        StringBuilder b = new StringBuilder("# name\n");
        for (Backend backend : proxy.backends()) {
            b.append(backend.name()).append('\n');
        }
        return b.toString();
    }

    private String showSess() {
        StringBuilder b = new StringBuilder();
        for (String line : proxy.sessions(MAX_SESSIONS_SHOWN)) {
            b.append(line).append('\n');
        }
        return b.toString();
    }

    private String showPools() {
        StringBuilder b = new StringBuilder();
        for (ProxyControl.Pool p : proxy.pools()) {
            b.append("loop ").append(p.loop()).append(": ").append(p.size()).append(" buffers of ")
                    .append(p.bufferSize()).append(" bytes, reserve ").append(p.reserve()).append(", free ")
                    .append(p.free()).append(", in use ").append(p.inUse()).append(", peak ").append(p.peakInUse())
                    .append('\n');
            for (Map.Entry<String, long[]> c : p.perClass().entrySet()) {
                b.append("  ").append(String.format("%-8s", c.getKey()));
                long[] v = c.getValue();
                for (int i = 0; i < v.length; i++) {
                    b.append(' ').append(ProxyControl.Pool.CLASS_FIGURES.get(i)).append('=').append(v[i]);
                }
                b.append('\n');
            }
        }
        return b.toString();
    }

    // --- changing servers ---

    private String setServer(List<String> args) throws CommandException {
        Server s = server(args, 3);
        String what = args.get(1).toLowerCase(Locale.ROOT);
        switch (what) {
            case "state" -> {
                return admin(s, args.get(2).toLowerCase(Locale.ROOT));
            }
            case "weight" -> {
                String text = args.get(2);
                int w;
                try {
                    w = text.endsWith("%") ? Math.round(s.configuredWeight()
                            * Integer.parseInt(text.substring(0, text.length() - 1)) / 100f) : Integer.parseInt(text);
                } catch (NumberFormatException e) {
                    throw new CommandException("Require <weight> or <weight%>, got '" + text + "'.");
                }
                if (w < 0 || w > Server.MAX_WEIGHT) {
                    throw new CommandException("Weight must be between 0 and " + Server.MAX_WEIGHT + ".");
                }
                s.setWeight(w);
                return "";
            }
            case "addr" -> {
                String ip = args.get(2);
                int port = s.address().getPort();
                if (args.size() >= 5 && args.get(3).equals("port")) {
                    port = number(args.get(4), 1, 65535, "port");
                }
                java.net.InetSocketAddress to;
                try {
                    to = new java.net.InetSocketAddress(java.net.InetAddress.ofLiteral(ip), port);
                } catch (IllegalArgumentException e) {
                    throw new CommandException("Invalid address '" + ip + "': an IPv4 or IPv6 address is expected.");
                }
                java.net.InetSocketAddress was = s.address();
                proxy.setAddress(s, to);
                return "IP changed from '" + was.getAddress().getHostAddress() + "' to '" + ip + "'"
                        + (port != was.getPort() ? ", port changed from '" + was.getPort() + "' to '" + port + "'"
                        : "") + " by 'stats socket command'\n";
            }
            default -> throw new CommandException("'set server <b>/<s>' only supports 'state', 'weight' and 'addr'.");
        }
    }

    private static String admin(Server s, String state) throws CommandException {
        switch (state) {
            case "ready" -> {
                s.setDrain(false);
                s.setMaintenance(false);
            }
            case "drain" -> {
                s.setMaintenance(false);
                s.setDrain(true);
            }
            case "maint" -> s.setMaintenance(true);
            default -> throw new CommandException("'set server <b>/<s> state' expects 'ready', 'drain' and 'maint'.");
        }
        return "";
    }

    private String setMaxconn(List<String> args) throws CommandException {
        Server s = server(args, 2);
        proxy.setMaxconn(s, number(args.get(1), 0, Integer.MAX_VALUE, "maxconn"));
        return "";
    }

    private String addServer(List<String> args) throws CommandException {
        if (args.size() < 2) {
            throw new CommandException("Usage: add server <backend>/<server> <address>[:<port>] [options]");
        }
        String[] names = split(args.get(0));
        Backend b = backend(names[0]);
        proxy.addServer(b, names[1], args.subList(1, args.size()));
        return "New server registered.\n";
    }

    private String delServer(List<String> args) throws CommandException {
        Server s = server(args, 1);
        proxy.deleteServer(s.owner(), s);
        return "Server deleted.\n";
    }

    private String shutdownSessions(List<String> args) throws CommandException {
        Server s = server(args, 1);
        proxy.shutdownSessions(s);
        return "";
    }

    // --- arguments ---

    private Backend backend(String name) throws CommandException {
        for (Backend b : proxy.backends()) {
            if (b.name().equals(name)) {
                return b;
            }
        }
        throw new CommandException("No such backend.");
    }

    /** The {@code backend/server} of the first argument; {@code needed} arguments in all. */
    private Server server(List<String> args, int needed) throws CommandException {
        if (args.size() < needed) {
            throw new CommandException("Require 'backend/server'" + (needed > 1 ? " and " + (needed - 1)
                    + " more argument" + (needed > 2 ? "s" : "") : "") + ".");
        }
        String[] names = split(args.get(0));
        Backend b = backend(names[0]);
        for (Server s : b.servers()) {
            if (s.name().equals(names[1])) {
                return s;
            }
        }
        throw new CommandException("No such server.");
    }

    private static String[] split(String backendSlashServer) throws CommandException {
        int slash = backendSlashServer.indexOf('/');
        if (slash <= 0 || slash == backendSlashServer.length() - 1) {
            throw new CommandException("Require 'backend/server'.");
        }
        return new String[] {backendSlashServer.substring(0, slash), backendSlashServer.substring(slash + 1)};
    }

    private static int number(String text, int min, int max, String what) throws CommandException {
        try {
            int n = Integer.parseInt(text);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new CommandException("Invalid " + what + " '" + text + "': a number from " + min + " to " + max
                + " is expected.");
    }

    static String role(Server s) {
        return s.role() == ServerRole.BACKUP ? "backup" : "active";
    }

    static String status(ServerState state) {
        return dev.sluice.stats.StatCsv.status(state);
    }

    static List<String> words(String command) {
        List<String> out = new ArrayList<>();
        for (String w : command.trim().split("\\s+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }
}
