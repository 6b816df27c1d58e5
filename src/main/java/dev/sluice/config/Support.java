package dev.sluice.config;

/**
 * What Sluice does with a keyword its tables hold. A keyword that is not in a
 * {@link KeywordTable} is refused.
 */
enum Support {
    /** Sluice does what the keyword says, with HAProxy's meaning, units and default. */
    IMPLEMENTED("implemented"),
    /** The keyword asks for what Sluice already does, so it is accepted and changes nothing. */
    NO_EFFECT("accepted, no effect"),
    /**
     * The keyword is read into the model with HAProxy's meaning, and the check
     * refuses the file at its line ({@link RuntimeGaps}) until the running proxy
     * does what it says: a file is never run without one of its lines.
     */
    READ_NOT_RUN("read, not run yet");

    private final String label;

    Support(String label) {
        this.label = label;
    }

    /** The words docs/configuration.md uses for this case. */
    String label() {
        return label;
    }
}
