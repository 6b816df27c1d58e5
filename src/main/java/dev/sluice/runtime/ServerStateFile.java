package dev.sluice.runtime;

import dev.sluice.backend.Backend;
import dev.sluice.backend.Server;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * HAProxy's server state format, version 1 (its management guide, "show
 * servers state"): what {@code show servers state} prints and what
 * {@code server-state-file} holds, one line per server, and its reading back,
 * so that servers keep their administrative state, weight and address across a
 * reload or a restart, by backend and server name.
 *
 * <p>Stateless; thread-safe.
 */
public final class ServerStateFile {
    static final String VERSION = "1";
    static final String HEADER = "# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight"
            + " srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health"
            + " srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord"
            + " srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port";
    /** HAProxy's operational states. */
    static final int OP_STOPPED = 0;
    static final int OP_RUNNING = 2;
    static final int OP_STOPPING = 3;
    /** HAProxy's administrative flags: forced maintenance, forced drain. */
    static final int ADMIN_FMAINT = 0x01;
    static final int ADMIN_FDRAIN = 0x08;
    /** Maintenance for want of an address from DNS. */
    static final int ADMIN_RMAINT = 0x20;

    private ServerStateFile() {
    }

    /** The state of every server of {@code backends} ({@code only}: of that backend alone, if not null). */
    public static String render(List<Backend> backends, String only) {
        StringBuilder b = new StringBuilder(VERSION).append('\n').append(HEADER).append('\n');
        long now = System.nanoTime();
        for (int i = 0; i < backends.size(); i++) {
            Backend backend = backends.get(i);
            if (only != null && !only.equals(backend.name())) {
                continue;
            }
            for (Server s : backend.servers()) {
                InetSocketAddress a = s.address();
                int admin = (s.inMaintenance() ? ADMIN_FMAINT : 0) | (s.drained() ? ADMIN_FDRAIN : 0)
                        | (s.unresolved() ? ADMIN_RMAINT : 0);
                int op = switch (s.state()) {
                    case UP -> OP_RUNNING;
                    case DRAIN -> s.drained() || s.weight() == 0 ? OP_RUNNING : OP_STOPPING;
                    case DOWN, MAINT -> OP_STOPPED;
                };
                long since = TimeUnit.NANOSECONDS.toSeconds(Math.max(0, now - s.lastChangeNanos()));
                b.append(i + 1).append(' ').append(backend.name()).append(' ').append(s.position() + 1).append(' ')
                        .append(s.name()).append(' ').append(a.getAddress() == null ? a.getHostString()
                                : a.getAddress().getHostAddress()).append(' ')
                        .append(op).append(' ').append(admin).append(' ').append(s.weight()).append(' ')
                        .append(s.configuredWeight()).append(' ').append(since)
                        // check status, result, health, state; agent state; forced ids; fqdn
                        .append(" 1 0 0 0 0 0 0 - ").append(a.getPort())
                        // srvrecord, use_ssl, check port, check addr, agent addr, agent port
                        .append(" - 0 0 - - 0\n");
            }
        }
        return b.toString();
    }

    /**
     * Applies a saved state to the servers of the same backend and server
     * names: maintenance, drain, weight, and with {@code addresses} the address
     * too (a restart: the file is what ran; a reload leaves the address to the
     * new configuration, whose author may have changed it). Returns one line per
     * server it could not apply; servers the state does not name keep what they
     * have.
     */
    public static List<String> apply(String saved, List<Backend> backends, boolean addresses) {
        List<String> problems = new ArrayList<>();
        int lineNumber = 0;
        for (String line : saved.split("\n")) {
            lineNumber++;
            if (line.isBlank() || line.startsWith("#") || lineNumber == 1 && line.trim().equals(VERSION)) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            if (f.length < 19) {
                problems.add("line " + lineNumber + ": " + f.length + " fields, version 1 has 25");
                continue;
            }
            Server s = find(backends, f[1], f[3]);
            if (s == null) {
                continue;
            }
            try {
                int admin = Integer.parseInt(f[6]);
                int weight = Integer.parseInt(f[7]);
                InetSocketAddress address = new InetSocketAddress(InetAddress.ofLiteral(f[4]), Integer.parseInt(f[18]));
                s.setMaintenance((admin & ADMIN_FMAINT) != 0);
                s.setDrain((admin & ADMIN_FDRAIN) != 0);
                if (weight != s.weight()) {
                    s.setWeight(Math.min(weight, Server.MAX_WEIGHT));
                }
                if (addresses && !address.equals(s.address()) && !address.getAddress().isAnyLocalAddress()) {
                    s.setAddress(address);
                    if (s.unresolved()) {
                        // init-addr last: the address the state file kept, until the resolver answers.
                        s.setResolved(true);
                    }
                }
            } catch (IllegalArgumentException e) {
                problems.add("line " + lineNumber + ": " + e.getMessage());
            }
        }
        return problems;
    }

    private static Server find(List<Backend> backends, String backend, String server) {
        for (Backend b : backends) {
            if (b.name().equals(backend)) {
                for (Server s : b.servers()) {
                    if (s.name().equals(server)) {
                        return s;
                    }
                }
            }
        }
        return null;
    }
}
