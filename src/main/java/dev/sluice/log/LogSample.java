package dev.sluice.log;

/**
 * A {@code %[...]} sample expression of a {@code log-format}, compiled by the
 * configuration, which knows the fetches: it renders its value for the
 * connection a line is about ({@link LogRecord#sampleContext}), when the line
 * is written at the end of the exchange. A fetch that found nothing renders
 * nothing, and the line shows {@code -}.
 *
 * <p>Implementations are immutable and shared between loops; rendering
 * allocates nothing.
 */
public interface LogSample {
    /**
     * Renders the value into {@code out} from {@code at}, cut at its end.
     *
     * @param context what the record's {@link LogRecord#sampleContext} holds (the connection), or null
     * @return the index after the value
     */
    int render(Object context, byte[] out, int at);

    /** Compiles the text between {@code %[} and {@code ]}. */
    interface Compiler {
        LogSample compile(String expression) throws LogConfigException;
    }
}
