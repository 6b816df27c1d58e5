package dev.sluice.http;

import dev.sluice.buffer.Buffer;

/**
 * One compiled {@code http-response} action that edits a response head: it
 * reads the head in {@code buffer} through the parser and reports its edits to
 * a {@link HeaderEdits}, which applies each before the next is computed.
 *
 * <p>Implementations are immutable and shared between loops.
 */
public interface ResponseEdit {
    /**
     * Reports this action's edits of {@code response}; {@code connection} is
     * the client connection's, for the {@code %[...]} expressions of a value.
     */
    void apply(Buffer buffer, HttpHeadParser response, ConnectionAddresses connection, HeaderEdits edits);
}
