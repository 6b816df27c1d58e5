package dev.sluice.config;

/**
 * What Sluice does with a keyword it accepts. A keyword that is not in a
 * {@link KeywordTable} is refused; there is no third way.
 */
enum Support {
    /** Sluice does what the keyword says, with HAProxy's meaning, units and default. */
    IMPLEMENTED("implemented"),
    /** The keyword asks for what Sluice already does, so it is accepted and changes nothing. */
    NO_EFFECT("accepted, no effect");

    private final String label;

    Support(String label) {
        this.label = label;
    }

    /** The words docs/configuration.md uses for this case. */
    String label() {
        return label;
    }
}
