package dev.sluice.config;

import java.util.List;
import java.util.Set;

/**
 * How many words of a statement name its keyword, as HAProxy's keyword matrix
 * writes them: {@code stats uri}, {@code timeout client},
 * {@code http-request set-header}, {@code tcp-request content accept}. Messages
 * about a statement name its keyword in full, never by its first word alone.
 *
 * <p>Stateless; safe from any thread.
 */
final class KeywordNames {
    /** First words that take the second word as part of the keyword's name. */
    private static final Set<String> TWO_WORDS = Set.of("option", "timeout", "stats", "http-request", "http-response",
            "http-after-response", "http-check", "tcp-check", "stick", "monitor", "email-alert", "external-check",
            "persist", "rate-limit", "declare", "compression", "http-error", "filter");
    /** First words whose rule kind (second word) and action (third word) both name the keyword. */
    private static final Set<String> THREE_WORDS = Set.of("tcp-request", "tcp-response");
    private static final Set<String> RULE_KINDS = Set.of("connection", "content", "session");

    private KeywordNames() {
    }

    /** The keyword a statement uses, in full ({@code no} included), as a message names it. */
    static String of(List<String> words) {
        boolean negated = words.get(0).equals("no") && words.size() > 1;
        List<String> rest = negated ? words.subList(1, words.size()) : words;
        return (negated ? "no " : "") + String.join(" ", rest.subList(0, length(rest)));
    }

    /** How many of the words name the keyword (1 to 3). */
    static int length(List<String> words) {
        String first = words.get(0);
        if (THREE_WORDS.contains(first) && words.size() > 1) {
            return RULE_KINDS.contains(words.get(1)) && words.size() > 2 ? 3 : 2;
        }
        if (first.equals("capture") && words.size() > 2) {
            return words.get(1).equals("request") || words.get(1).equals("response") ? 3 : 2;
        }
        return TWO_WORDS.contains(first) && words.size() > 1 ? 2 : 1;
    }

    /** True when the first word alone names no keyword: {@code timeout}, {@code stats}, {@code option}, ... */
    static boolean isFamily(String word) {
        return TWO_WORDS.contains(word) || THREE_WORDS.contains(word) || word.equals("capture");
    }
}
