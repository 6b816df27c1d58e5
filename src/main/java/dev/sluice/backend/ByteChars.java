package dev.sluice.backend;

import dev.sluice.buffer.Buffer;

/**
 * A range of a buffer seen as text, one byte per char (Latin-1), or as its
 * upper-case hexadecimal dump (two chars per byte), so that a check's regular
 * expression runs over the bytes in place. Re-pointed at each evaluation; a
 * {@link java.util.regex.Matcher} reset over it allocates nothing.
 *
 * <p>Not thread-safe: owned by one check.
 */
final class ByteChars implements CharSequence {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final boolean hex;
    private Buffer buffer;
    private int start;
    private int length;

    ByteChars(boolean hex) {
        this.hex = hex;
    }

    ByteChars over(Buffer b, int from, int to) {
        buffer = b;
        start = from;
        length = to - from;
        return this;
    }

    @Override
    public int length() {
        return hex ? 2 * length : length;
    }

    @Override
    public char charAt(int index) {
        if (!hex) {
            return (char) (buffer.get(start + index) & 0xff);
        }
        int b = buffer.get(start + index / 2) & 0xff;
        return HEX[(index & 1) == 0 ? b >>> 4 : b & 0xf];
    }

    @Override
    public CharSequence subSequence(int from, int to) {
        StringBuilder sb = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            sb.append(charAt(i));
        }
        return sb;
    }

    @Override
    public String toString() {
        return subSequence(0, length()).toString();
    }
}
