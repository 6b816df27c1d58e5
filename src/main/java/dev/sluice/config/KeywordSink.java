package dev.sluice.config;

/**
 * Where a feature declares keywords: one section's {@link KeywordTable}, or
 * every table of a {@link Placement} at once. The shapes below cover the usual
 * keywords; {@link #add} takes any other.
 *
 * <p>Used only while {@link Keywords} builds its tables, on one thread.
 *
 * @param <T> the section builder the keywords write to
 */
@FunctionalInterface
interface KeywordSink<T> {
    /** Declares one keyword; a name declared twice in one table is a programming error. */
    void add(Keyword<T> keyword);

    /** A keyword taking exactly one argument. */
    default KeywordSink<T> single(String name, String usage, Directive<? super T> directive) {
        add(new Keyword<>(name, usage, 1, 1, false, Support.IMPLEMENTED, directive));
        return this;
    }

    /** A keyword that may appear several times, with at least {@code minArgs} arguments. */
    default KeywordSink<T> repeatable(String name, String usage, int minArgs, Directive<? super T> directive) {
        add(new Keyword<>(name, usage, minArgs, Integer.MAX_VALUE, true, Support.IMPLEMENTED, directive));
        return this;
    }

    /** A keyword without arguments, implemented. */
    default KeywordSink<T> flag(String name, Directive<? super T> directive) {
        add(new Keyword<>(name, "", 0, 0, false, Support.IMPLEMENTED, directive));
        return this;
    }

    /** A keyword taking any number of arguments (the directive checks them). */
    default KeywordSink<T> variadic(String name, String usage, Directive<? super T> directive) {
        add(new Keyword<>(name, usage, 0, Integer.MAX_VALUE, false, Support.IMPLEMENTED, directive));
        return this;
    }

    /** A keyword without arguments that asks for what Sluice already does. */
    default KeywordSink<T> noEffect(String name) {
        add(new Keyword<>(name, "", 0, 0, true, Support.NO_EFFECT, Directive.none()));
        return this;
    }
}
