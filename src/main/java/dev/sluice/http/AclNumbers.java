package dev.sluice.http;

import java.util.ArrayList;
import java.util.List;

/**
 * The values of an integer ACL ({@code dst_port}, {@code hdr_cnt},
 * {@code nbsrv}): ranges, both ends included, written {@code N},
 * {@code LOW:HIGH}, {@code :HIGH}, {@code LOW:}, or with an operator before
 * the number, {@code eq|ge|gt|le|lt N}, as HAProxy writes them.
 *
 * <p>Immutable; safe to share between loops.
 */
final class AclNumbers {
    private final long[] low;
    private final long[] high;

    private AclNumbers(long[] low, long[] high) {
        this.low = low;
        this.high = high;
    }

    static AclNumbers parse(List<String> values) {
        List<long[]> ranges = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            String word = values.get(i);
            long[] range = switch (word) {
                case "eq", "ge", "gt", "le", "lt" -> {
                    if (i + 1 == values.size()) {
                        throw new IllegalArgumentException("'" + word + "' needs a number after it");
                    }
                    long n = number(values.get(++i), values.get(i));
                    yield switch (word) {
                        case "eq" -> new long[] {n, n};
                        case "ge" -> new long[] {n, Long.MAX_VALUE};
                        case "gt" -> new long[] {n + 1, Long.MAX_VALUE};
                        case "le" -> new long[] {Long.MIN_VALUE, n};
                        default -> new long[] {Long.MIN_VALUE, n - 1};
                    };
                }
                default -> range(word);
            };
            ranges.add(range);
        }
        long[] low = new long[ranges.size()];
        long[] high = new long[ranges.size()];
        for (int i = 0; i < low.length; i++) {
            low[i] = ranges.get(i)[0];
            high[i] = ranges.get(i)[1];
        }
        return new AclNumbers(low, high);
    }

    private static long[] range(String text) {
        int colon = text.indexOf(':');
        String from = colon < 0 ? text : text.substring(0, colon);
        String to = colon < 0 ? text : text.substring(colon + 1);
        long low = from.isEmpty() && colon >= 0 ? 0 : number(from, text);
        long high = to.isEmpty() && colon >= 0 ? Long.MAX_VALUE : number(to, text);
        if (low > high) {
            throw new IllegalArgumentException("the range '" + text + "' is empty");
        }
        return new long[] {low, high};
    }

    private static long number(String number, String text) {
        if (!number.matches("[0-9]{1,9}")) {
            throw new IllegalArgumentException("expected a number, a range LOW:HIGH or an operator (eq, ge, gt, le,"
                    + " lt) and a number, got '" + text + "'");
        }
        return Long.parseLong(number);
    }

    /** True when {@code value} lies in one of the ranges. */
    boolean contains(long value) {
        for (int i = 0; i < low.length; i++) {
            if (value >= low[i] && value <= high[i]) {
                return true;
            }
        }
        return false;
    }
}
