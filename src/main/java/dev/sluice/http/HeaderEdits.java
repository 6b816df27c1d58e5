package dev.sluice.http;

/**
 * Where header rules send the changes they make to a request head. The session
 * implements it over the head it is about to forward; the rules never touch the
 * buffer themselves, and allocate nothing to describe an edit.
 *
 * <p>The rules call it in rule order, and test the next rule's condition after
 * the call returns. The session applies each edit to its head (and so to its
 * {@link HttpRequestView}) before returning, which gives HAProxy's meaning: a
 * later condition sees what an earlier rule wrote. Deletions of one rule come in
 * decreasing header index, so that applying one does not move the next.
 *
 * <p>Not thread-safe: called on the session's loop.
 */
public interface HeaderEdits {
    /** Removes field {@code header} (an index of the view) from the head. */
    void delete(int header);

    /**
     * Adds a field after the last one.
     *
     * @param fieldLine {@code Name: value} without the CRLF; a shared constant that must not be modified
     */
    void append(byte[] fieldLine);
}
