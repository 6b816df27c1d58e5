package dev.sluice.stats;

import dev.sluice.backend.Backend;
import java.util.List;

/**
 * The stats page's {@code ;json}: the rows of {@link StatCsv} in HAProxy's
 * JSON form (as its {@code show stat json} and its page's {@code ;json} give
 * them): an array of rows, each an array of one object per field that has a
 * value, naming the object type, proxy and server ids, the field's position
 * and name, the process, the field's tags (origin, nature, scope) and its
 * typed value. It is made from the typed CSV, so that both say the same.
 *
 * <p>Numbers are typed {@code u64} and everything else {@code str}: a
 * reader of HAProxy's JSON that takes {@code u32} for some fields reads them
 * all the same.
 */
final class StatJson {
    private StatJson() {
    }

    static String render(List<StatCsv.Frontend> frontends, List<Backend> backends, boolean legends) {
        StringBuilder b = new StringBuilder(8192);
        b.append('[');
        String row = null;
        for (String line : StatCsv.render(frontends, backends, true, legends).split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            // F.1.0.4.scur.1:MGPV:u64:0, the value last (it may hold ':').
            String[] parts = line.split(":", 4);
            String[] key = parts[0].split("\\.");
            String rowKey = key[0] + "." + key[1] + "." + key[2];
            if (!rowKey.equals(row)) {
                b.append(row == null ? "[" : "],[");
                row = rowKey;
            } else {
                b.append(',');
            }
            String tags = parts[1];
            b.append("{\"objType\":\"").append(objType(key[0].charAt(0))).append("\",\"proxyId\":").append(key[1])
                    .append(",\"id\":").append(key[2]).append(",\"field\":{\"pos\":").append(key[3])
                    .append(",\"name\":\"").append(key[4]).append("\"},\"processNum\":").append(key[5])
                    .append(",\"tags\":{\"origin\":\"").append(origin(tags.charAt(0))).append("\",\"nature\":\"")
                    .append(nature(tags.charAt(1))).append("\",\"scope\":\"").append(scope(tags.charAt(2)))
                    .append("\"},\"value\":{\"type\":\"").append(parts[2]).append("\",\"value\":");
            if (parts[2].equals("str")) {
                string(b, parts[3]);
            } else {
                b.append(parts[3]);
            }
            b.append("}}");
        }
        b.append(row == null ? "]\n" : "]]\n");
        return b.toString();
    }

    private static String objType(char c) {
        return switch (c) {
            case 'F' -> "Frontend";
            case 'B' -> "Backend";
            case 'S' -> "Server";
            case 'L' -> "Listener";
            default -> throw new IllegalArgumentException("no object type " + c);
        };
    }

    private static String origin(char c) {
        return switch (c) {
            case 'M' -> "Metric";
            case 'S' -> "Status";
            case 'K' -> "Key";
            case 'C' -> "Config";
            case 'P' -> "Product";
            default -> throw new IllegalArgumentException("no origin " + c);
        };
    }

    private static String nature(char c) {
        return switch (c) {
            case 'A' -> "Age";
            case 'a' -> "Avg";
            case 'C' -> "Counter";
            case 'D' -> "Duration";
            case 'G' -> "Gauge";
            case 'L' -> "Limit";
            case 'M' -> "Max";
            case 'm' -> "Min";
            case 'N' -> "Name";
            case 'O' -> "Output";
            case 'R' -> "Rate";
            case 'T' -> "Time";
            default -> throw new IllegalArgumentException("no nature " + c);
        };
    }

    private static String scope(char c) {
        return switch (c) {
            case 'C' -> "Cluster";
            case 'P' -> "Process";
            case 'S' -> "Service";
            case 's' -> "System";
            default -> throw new IllegalArgumentException("no scope " + c);
        };
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
