package dev.sluice.config;

/**
 * What a keyword does to the section being read.
 *
 * @param <T> the section builder the keyword writes to
 */
@FunctionalInterface
interface Directive<T> {
    void apply(T section, Invocation use) throws ConfigException;

    /** The directive of a keyword accepted with no effect. */
    static <T> Directive<T> none() {
        return (section, use) -> { };
    }
}
