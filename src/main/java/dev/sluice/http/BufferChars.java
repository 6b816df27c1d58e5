package dev.sluice.http;

import dev.sluice.buffer.Buffer;

/**
 * A region of a buffer seen as characters, one per byte (ISO-8859-1), so that
 * a regular expression reads a request in place. Rebound for each match;
 * {@link #subSequence} and {@link #toString} copy, and no matcher calls them
 * to find a match (only to report groups, which the ACLs never ask for).
 *
 * <p>Not thread-safe: one per thread (see {@link AclText}).
 */
final class BufferChars implements CharSequence {
    private Buffer buffer;
    private int start;
    private int length;

    BufferChars bind(Buffer buffer, int start, int end) {
        this.buffer = buffer;
        this.start = start;
        this.length = end - start;
        return this;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException(index);
        }
        return (char) (buffer.get(start + index) & 0xFF);
    }

    @Override
    public CharSequence subSequence(int from, int to) {
        return toString().substring(from, to);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(charAt(i));
        }
        return text.toString();
    }
}
