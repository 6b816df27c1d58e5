package dev.sluice.config;

/**
 * One entry of a {@link KeywordTable}.
 *
 * @param name the keyword as written, one or two words ({@code maxconn}, {@code timeout connect})
 * @param usage the arguments, for messages ({@code <number>})
 * @param minArgs fewest arguments after the name
 * @param maxArgs most arguments after the name
 * @param repeat what a second line of the keyword in one section does
 * @param negation what {@code no NAME} does, as HAProxy's {@code no option ...} cancels an option a
 *     defaults section set; null when the keyword cannot be negated
 */
record Keyword<T>(String name, String usage, int minArgs, int maxArgs, Repeat repeat, Support support,
        Directive<? super T> directive, Directive<? super T> negation) {
    /** What a second line of the same keyword in one section does, as HAProxy decides it keyword by keyword. */
    enum Repeat {
        /** Each line adds one more ({@code bind}, {@code server}, {@code acl}, rules). */
        EACH_LINE,
        /** The later line's value replaces the earlier one's; Sluice warns, since the earlier line is dead. */
        LAST_WINS,
        /** The later line is ignored with a warning, as HAProxy does for the global {@code maxconn}. */
        FIRST_WINS
    }

    Keyword(String name, String usage, int minArgs, int maxArgs, Repeat repeat, Support support,
            Directive<? super T> directive) {
        this(name, usage, minArgs, maxArgs, repeat, support, directive, null);
    }

    int nameWords() {
        return name.split(" ").length;
    }

    boolean repeatable() {
        return repeat == Repeat.EACH_LINE;
    }
}
