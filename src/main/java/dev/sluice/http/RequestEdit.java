package dev.sluice.http;

/**
 * One compiled {@code http-request} (or {@code http-response}) action that edits
 * the head: it reads the head through the view and reports its edits to a
 * {@link HeaderEdits}, which applies each before the next is computed.
 *
 * <p>Implementations are immutable and shared between loops.
 */
public interface RequestEdit {
    /** Reports this action's edits of {@code head}. */
    void apply(HttpRequestView head, HeaderEdits edits);
}
