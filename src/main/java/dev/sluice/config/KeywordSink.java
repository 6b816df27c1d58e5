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
        add(new Keyword<>(name, usage, 1, 1, Keyword.Repeat.LAST_WINS, Support.IMPLEMENTED, directive));
        return this;
    }

    /** A keyword that may appear several times, with at least {@code minArgs} arguments. */
    default KeywordSink<T> repeatable(String name, String usage, int minArgs, Directive<? super T> directive) {
        add(new Keyword<>(name, usage, minArgs, Integer.MAX_VALUE, Keyword.Repeat.EACH_LINE, Support.IMPLEMENTED,
                directive));
        return this;
    }

    /** A keyword without arguments, implemented. */
    default KeywordSink<T> flag(String name, Directive<? super T> directive) {
        add(new Keyword<>(name, "", 0, 0, Keyword.Repeat.LAST_WINS, Support.IMPLEMENTED, directive));
        return this;
    }

    /**
     * An {@code option} without arguments that {@code no option NAME} turns off
     * again, as in HAProxy: {@code negation} undoes what {@code directive} did,
     * typically a value a defaults section set.
     */
    default KeywordSink<T> option(String name, Directive<? super T> directive, Directive<? super T> negation) {
        add(new Keyword<>(name, "", 0, 0, Keyword.Repeat.LAST_WINS, Support.IMPLEMENTED, directive, negation));
        return this;
    }

    /** A keyword taking any number of arguments (the directive checks them). */
    default KeywordSink<T> variadic(String name, String usage, Directive<? super T> directive) {
        add(new Keyword<>(name, usage, 0, Integer.MAX_VALUE, Keyword.Repeat.LAST_WINS, Support.IMPLEMENTED,
                directive));
        return this;
    }

    /**
     * A keyword read into the model but not run yet; {@code shape} gives its
     * arguments and directive, as {@link #single} or {@link #repeatable} would.
     */
    default KeywordSink<T> readNotRun(Keyword<T> shape) {
        add(new Keyword<>(shape.name(), shape.usage(), shape.minArgs(), shape.maxArgs(), shape.repeat(),
                Support.READ_NOT_RUN, shape.directive(), shape.negation()));
        return this;
    }

    /** A keyword without arguments that asks for what Sluice already does. */
    default KeywordSink<T> noEffect(String name) {
        add(new Keyword<>(name, "", 0, 0, Keyword.Repeat.EACH_LINE, Support.NO_EFFECT, Directive.none(),
                Directive.none()));
        return this;
    }
}
