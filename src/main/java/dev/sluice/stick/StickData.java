package dev.sluice.stick;

/**
 * What a stick table may store per entry ({@code store DATA,...}), named as the
 * configuration file names it. The counters are 32-bit and never go below 0;
 * a rate is counted over a sliding window of its period (see {@link StickTable}).
 *
 * <p>Immutable; safe from any thread.
 */
public enum StickData {
    /** Connections (or requests tracked by an {@code http-request} rule) that hold the entry now. */
    CONN_CUR("conn_cur", false),
    /** Every connection (or tracked request) that matched the entry. */
    CONN_CNT("conn_cnt", false),
    /** Their rate over the period. */
    CONN_RATE("conn_rate", true),
    /** Every HTTP request counted for the entry. */
    HTTP_REQ_CNT("http_req_cnt", false),
    /** Their rate over the period. */
    HTTP_REQ_RATE("http_req_rate", true),
    /** Requests that ended in an error of the client's: a 4xx answer, from the server or from Sluice. */
    HTTP_ERR_CNT("http_err_cnt", false),
    /** Their rate over the period. */
    HTTP_ERR_RATE("http_err_rate", true);

    private final String keyword;
    private final boolean rate;

    StickData(String keyword, boolean rate) {
        this.keyword = keyword;
        this.rate = rate;
    }

    public String keyword() {
        return keyword;
    }

    /** Whether it is a rate, written {@code NAME(PERIOD)}. */
    public boolean rate() {
        return rate;
    }

    /** The data type of that name, or null. */
    public static StickData named(String word) {
        for (StickData d : values()) {
            if (d.keyword.equals(word)) {
                return d;
            }
        }
        return null;
    }
}
