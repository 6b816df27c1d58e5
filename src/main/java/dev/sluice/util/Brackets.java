package dev.sluice.util;

/** Finding where a bracketed part of a configuration string ends, its parentheses nested. */
public final class Brackets {
    private Brackets() {
    }

    /**
     * The index of the first {@code close} at or after {@code from} that is
     * outside parentheses opened after {@code from}, or -1.
     */
    public static int closing(String text, int from, char close) {
        int depth = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == close && depth == 0) {
                return i;
            }
        }
        return -1;
    }
}
