package dev.sluice.http;

import dev.sluice.stick.StickCounters;
import dev.sluice.stick.StickTable;

/**
 * {@code http-request track-scN KEY [table NAME]}: the request's key is
 * tracked in the table as sticky counter N, unless that counter tracks
 * something already; the request counts on the entry at once, and the counter
 * is released when the exchange ends. The key is the client's address
 * ({@code src}) or, for a string table, the last comma-separated value of the
 * last occurrence of a header ({@code req.hdr(NAME)}), read in place; a
 * request without that header, or an address the table cannot key, is not
 * tracked. Edits nothing.
 *
 * <p>Immutable; safe to share between loops. Allocates nothing.
 */
public final class TrackRule implements RequestEdit {
    private final int counter;
    private final String table;
    /** The key's header name, lower case, or null for {@code src}. */
    private final byte[] header;

    private TrackRule(int counter, String table, byte[] header) {
        this.counter = counter;
        this.table = table;
        this.header = header;
    }

    /**
     * @param table the section whose stick table it tracks in
     * @param header the header of {@code req.hdr(NAME)}, or null for {@code src}
     */
    public static TrackRule of(int counter, String table, String header) {
        if (counter < 0 || counter >= StickCounters.SLOTS) {
            throw new IllegalArgumentException("Sluice tracks the sticky counters sc0, sc1 and sc2 only");
        }
        if (header != null) {
            Acl.checkFieldName(header);
        }
        return new TrackRule(counter, table, header == null ? null : Acl.lowerAscii(header));
    }

    @Override
    public void apply(HttpRequestView head, HeaderEdits edits) {
        StickCounters tracking = head.addresses().tracking();
        StickTable t = head.addresses().stickTables().table(table);
        if (tracking == null || t == null || tracking.tracked(counter)) {
            return;
        }
        if (header == null) {
            tracking.trackAddress(counter, t, head.addresses().client(), true);
            return;
        }
        long range = HeaderValues.last(head, header);
        if (range >= 0) {
            tracking.trackBytes(counter, t, head.buffer(), (int) (range >>> 32), (int) range, true);
        }
    }
}
