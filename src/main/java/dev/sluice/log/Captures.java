package dev.sluice.log;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * A frontend's {@code capture request header NAME len N} and {@code capture
 * response header NAME len N} lines, in the order they were written: that order
 * is the order of the values in {@code %hr} and {@code %hs}. Each capture keeps
 * at most its length of the header's value (the last occurrence's, as HAProxy
 * keeps it); the room for all of them is one {@link CaptureSlab} slot.
 *
 * <p>Immutable; shared by every loop.
 */
public final class Captures {
    /** No capture: {@code %hr} and {@code %hs} write nothing. */
    public static final Captures NONE = new Captures(List.of(), new int[0], List.of(), new int[0]);
    /** The longest value one capture may keep. */
    public static final int MAX_LENGTH = 16384;

    private final String[] names;
    final byte[][] lowerNames;
    final int[] lengths;
    /** Where each capture's bytes begin in a slot. */
    final int[] offsets;
    final int requestCount;
    final int slotBytes;

    /**
     * The request captures {@code requestNames} (at most {@code requestLengths[i]}
     * bytes each) and the response captures, each list in its lines' order.
     */
    public Captures(List<String> requestNames, int[] requestLengths, List<String> responseNames,
            int[] responseLengths) {
        if (requestNames.size() != requestLengths.length || responseNames.size() != responseLengths.length) {
            throw new IllegalArgumentException("one length per name");
        }
        requestCount = requestNames.size();
        int count = requestCount + responseNames.size();
        names = new String[count];
        lowerNames = new byte[count][];
        lengths = new int[count];
        offsets = new int[count];
        int at = 0;
        for (int i = 0; i < count; i++) {
            boolean request = i < requestCount;
            names[i] = request ? requestNames.get(i) : responseNames.get(i - requestCount);
            lengths[i] = request ? requestLengths[i] : responseLengths[i - requestCount];
            if (lengths[i] < 1 || lengths[i] > MAX_LENGTH) {
                throw new IllegalArgumentException("capture length " + lengths[i]);
            }
            lowerNames[i] = names[i].toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
            offsets[i] = at;
            at += lengths[i];
        }
        slotBytes = at;
    }

    /** True when there is no capture at all. */
    public boolean isEmpty() {
        return names.length == 0;
    }

    /** How many request captures. */
    public int requestCount() {
        return requestCount;
    }

    /** How many response captures. */
    public int responseCount() {
        return names.length - requestCount;
    }

    /** The index of the first request (or response) capture. */
    int first(boolean response) {
        return response ? requestCount : 0;
    }

    /** One past the index of the last request (or response) capture. */
    int end(boolean response) {
        return response ? lengths.length : requestCount;
    }

    /** Capture {@code i}'s header name as written (request captures first). */
    public String name(int i) {
        return names[i];
    }

    /** Capture {@code i}'s header name in lower case, for matching without allocation. */
    public byte[] lowerName(int i) {
        return lowerNames[i];
    }

    /** The bytes one session's captures take: the sum of the lengths. */
    public int slotBytes() {
        return slotBytes;
    }
}
