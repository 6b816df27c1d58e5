package dev.sluice.config;

/**
 * One entry of a {@link KeywordTable}.
 *
 * @param name the keyword as written, one or two words ({@code maxconn}, {@code timeout connect})
 * @param usage the arguments, for messages ({@code <number>})
 * @param minArgs fewest arguments after the name
 * @param maxArgs most arguments after the name
 * @param repeatable whether the keyword may appear more than once in one section
 */
record Keyword<T>(String name, String usage, int minArgs, int maxArgs, boolean repeatable, Support support,
        Directive<? super T> directive) {
    int nameWords() {
        return name.indexOf(' ') < 0 ? 1 : 2;
    }
}
