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

    /**
     * Adds a field after the last one: the first {@code length} bytes of
     * {@code fieldLine}, a scratch array read before the call returns.
     */
    default void append(byte[] fieldLine, int length) {
        // The session's edits override this and copy nothing; a test's may record a copy.
        append(java.util.Arrays.copyOf(fieldLine, length));
    }

    /**
     * Replaces bytes {@code [start, end)} of the head (a part of the start line,
     * or a field's value) with {@code length} bytes of {@code with} from
     * {@code offset}. A replacement that leaves the head invalid, or does not
     * fit, overflows as an append does.
     *
     * @param with shared or scratch bytes, read before the call returns and never modified
     */
    void replace(int start, int end, byte[] with, int offset, int length);
}
