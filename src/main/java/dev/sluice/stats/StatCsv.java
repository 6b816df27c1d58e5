package dev.sluice.stats;

import dev.sluice.backend.Backend;
import dev.sluice.backend.Server;
import dev.sluice.backend.ServerRole;
import dev.sluice.backend.ServerState;
import dev.sluice.session.ConnectionLimit;
import dev.sluice.session.FrontendRequests;
import java.util.Arrays;
import java.util.List;

/**
 * {@code show stat} and the stats page's {@code ;csv}: HAProxy 2.6's CSV columns, in its order, one row per
 * frontend, then per backend its servers and the backend itself, as HAProxy
 * prints them; a column Sluice has no figure for stays empty, so that tools
 * reading HAProxy's CSV by position or by name read Sluice's. {@code typed}
 * gives HAProxy's typed form, one line per filled field.
 *
 * <p>Stateless; thread-safe. What it reads of servers and limits is published
 * for other threads (atomic and volatile fields): no loop is asked.
 */
public final class StatCsv {
    /** HAProxy 2.6's first 80 columns: the ones a proxy without SSL, HTTP/2 or caches fills. */
    public static final List<String> COLUMNS = List.of(
            "pxname", "svname", "qcur", "qmax", "scur", "smax", "slim", "stot", "bin", "bout", "dreq", "dresp",
            "ereq", "econ", "eresp", "wretr", "wredis", "status", "weight", "act", "bck", "chkfail", "chkdown",
            "lastchg", "downtime", "qlimit", "pid", "iid", "sid", "throttle", "lbtot", "tracked", "type", "rate",
            "rate_lim", "rate_max", "check_status", "check_code", "check_duration", "hrsp_1xx", "hrsp_2xx",
            "hrsp_3xx", "hrsp_4xx", "hrsp_5xx", "hrsp_other", "hanafail", "req_rate", "req_rate_max", "req_tot",
            "cli_abrt", "srv_abrt", "comp_in", "comp_out", "comp_byp", "comp_rsp", "lastsess", "last_chk",
            "last_agt", "qtime", "ctime", "rtime", "ttime", "agent_status", "agent_code", "agent_duration",
            "check_desc", "agent_desc", "check_rise", "check_fall", "check_health", "agent_rise", "agent_fall",
            "agent_health", "addr", "cookie", "mode", "algo", "conn_rate", "conn_rate_max", "conn_tot");

    private StatCsv() {
    }

    /** A frontend as a row shows it: its name, {@code http} or {@code tcp}, its sessions and HTTP requests. */
    public record Frontend(String name, String mode, ConnectionLimit limit, FrontendRequests requests) {
    }

    public static String render(List<Frontend> frontends, List<Backend> backends, boolean typed) {
        return render(frontends, backends, typed, true);
    }

    /**
     * The rows; without {@code legends} (the stats page without {@code stats show-legends}),
     * servers' addresses and backends' algorithms are left out, as HAProxy leaves them.
     */
    public static String render(List<Frontend> frontends, List<Backend> backends, boolean typed, boolean legends) {
        StringBuilder b = new StringBuilder();
        if (!typed) {
            b.append("# ").append(String.join(",", COLUMNS)).append(",\n");
        }
        int iid = 1;
        for (Frontend f : frontends) {
            String[] row = new String[COLUMNS.size()];
            set(row, "pxname", f.name());
            set(row, "svname", "FRONTEND");
            set(row, "scur", f.limit().current());
            set(row, "slim", f.limit().max());
            set(row, "status", "OPEN");
            set(row, "pid", 1);
            set(row, "iid", iid);
            set(row, "sid", 0);
            set(row, "type", 0);
            set(row, "mode", f.mode());
            if (f.mode().equals("http")) {
                set(row, "req_tot", f.requests().total());
            }
            emit(b, row, typed, 'F', iid, 0);
            iid++;
        }
        for (Backend backend : backends) {
            long slots = 0;
            long sessions = 0;
            long connectErrors = 0;
            int weight = 0;
            int active = 0;
            int backup = 0;
            for (Server s : backend.servers()) {
                String[] row = new String[COLUMNS.size()];
                set(row, "pxname", backend.name());
                set(row, "svname", s.name());
                set(row, "qcur", s.queued());
                set(row, "scur", s.slotsInUse());
                set(row, "smax", s.peakSlotsInUse());
                set(row, "slim", s.maxconn() == 0 ? "" : Integer.toString(s.maxconn()));
                set(row, "stot", s.sessions());
                set(row, "econ", s.connectErrors());
                set(row, "status", status(s.state()));
                set(row, "weight", s.weight());
                set(row, "act", s.role() == ServerRole.ACTIVE ? 1 : 0);
                set(row, "bck", s.role() == ServerRole.BACKUP ? 1 : 0);
                set(row, "chkdown", s.timesEntered(ServerState.DOWN));
                set(row, "qlimit", s.maxqueue() == 0 ? "" : Integer.toString(s.maxqueue()));
                set(row, "pid", 1);
                set(row, "iid", iid);
                set(row, "sid", s.position() + 1);
                set(row, "lbtot", s.sessions());
                set(row, "type", 2);
                if (legends) {
                    set(row, "addr", s.address().getHostString() + ":" + s.address().getPort());
                    if (s.cookie() != null) {
                        set(row, "cookie", s.cookie());
                    }
                }
                set(row, "mode", "");
                emit(b, row, typed, 'S', iid, s.position() + 1);
                slots += s.slotsInUse();
                sessions += s.sessions();
                connectErrors += s.connectErrors();
                if (s.takesNewRequests()) {
                    weight += s.weight();
                    if (s.role() == ServerRole.ACTIVE) {
                        active++;
                    } else {
                        backup++;
                    }
                }
            }
            String[] row = new String[COLUMNS.size()];
            set(row, "pxname", backend.name());
            set(row, "svname", "BACKEND");
            set(row, "qcur", backend.queued());
            set(row, "qmax", backend.peakQueued());
            set(row, "scur", slots);
            set(row, "stot", sessions);
            set(row, "econ", connectErrors);
            set(row, "status", backend.serversUp() > 0 ? "UP" : "DOWN");
            set(row, "weight", weight);
            set(row, "act", active);
            set(row, "bck", backup);
            set(row, "pid", 1);
            set(row, "iid", iid);
            set(row, "sid", 0);
            set(row, "lbtot", sessions);
            set(row, "type", 1);
            if (legends) {
                set(row, "algo", backend.balance().algorithm().keyword());
            }
            emit(b, row, typed, 'B', iid, 0);
            iid++;
        }
        return b.toString();
    }

    /** A server's state as HAProxy's stats say it: UP, DOWN, MAINT, DRAIN. */
    public static String status(ServerState state) {
        return switch (state) {
            case UP -> "UP";
            case DOWN -> "DOWN";
            case MAINT -> "MAINT";
            case DRAIN -> "DRAIN";
        };
    }

    private static void set(String[] row, String column, Object value) {
        int i = COLUMNS.indexOf(column);
        if (i < 0) {
            throw new IllegalArgumentException("no column " + column);
        }
        row[i] = String.valueOf(value);
    }

    private static void emit(StringBuilder b, String[] row, boolean typed, char object, int iid, int sid) {
        if (!typed) {
            for (String v : row) {
                b.append(v == null ? "" : v).append(',');
            }
            b.append('\n');
            return;
        }
        for (int i = 0; i < row.length; i++) {
            if (row[i] == null || row[i].isEmpty()) {
                continue;
            }
            boolean number = row[i].matches("-?[0-9]+");
            b.append(object).append('.').append(iid).append('.').append(sid).append('.').append(i).append('.')
                    .append(COLUMNS.get(i)).append(".1:").append(tags(COLUMNS.get(i), object, number)).append(':')
                    .append(number ? "u64" : "str").append(':').append(row[i]).append('\n');
        }
    }

    /**
     * HAProxy's tag letters of a field: origin, nature and scope as HAProxy 2.6
     * gives them for the column (and, for act and bck, the object), then the
     * persistence letter ({@code P} for counters, {@code V} otherwise).
     */
    private static String tags(String column, char object, boolean number) {
        String three = switch (column) {
            case "pxname", "svname" -> "KNS";
            case "iid", "sid" -> "KGS";
            case "pid" -> "KGP";
            case "type", "mode", "algo", "addr", "cookie" -> "CGS";
            case "slim", "qlimit" -> "CLP";
            case "smax", "qmax" -> "MMP";
            case "stot", "econ", "lbtot", "chkdown", "req_tot" -> "MCP";
            case "weight" -> "MaP";
            case "act", "bck" -> object == 'S' ? "SGP" : "MGP";
            case "status" -> "SGP";
            default -> number ? "MGP" : "SGP";
        };
        return three + (three.charAt(1) == 'C' ? 'P' : 'V');
    }
}
