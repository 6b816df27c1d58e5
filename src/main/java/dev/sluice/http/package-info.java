/**
 * HTTP/1.1 message syntax for Sluice: a head parser, body framing and a
 * chunked-body walker, all sans-I/O and in place. They read a
 * {@link dev.sluice.buffer.Buffer} with absolute gets and report offsets, so
 * a forwarded message is never copied into Strings, and parsing a typical
 * request allocates nothing.
 *
 * <h2>What is refused, and why</h2>
 *
 * A proxy's parser must be at least as strict as any server behind it: where
 * two parsers could read one byte stream as different messages (request
 * smuggling, RFC 9112 section 11.2), Sluice refuses the message rather than
 * pick a reading. A refused request gets the status in the table and its
 * connection closes; a refused response is never forwarded and the client gets
 * 502 ({@link dev.sluice.http.HttpError#status(MessageKind)}). Each row is one
 * {@link dev.sluice.http.HttpError} constant, hence one counter.
 *
 * <table>
 * <caption>Refusals</caption>
 * <tr><th>input</th><th>request</th><th>decision and reason</th></tr>
 * <tr><td>Content-Length and Transfer-Encoding together</td><td>400</td><td>RFC 9112 section 6.3 lets
 *     Transfer-Encoding win but says the message "ought to be handled as an error"; a proxy that forwards it
 *     relies on the server picking the same header. Refused, in requests and responses, whatever the status.</td></tr>
 * <tr><td>Content-Length values that differ, on several lines or in one comma list</td><td>400</td><td>RFC 9112
 *     section 6.3 rule 5 makes this an unrecoverable error.</td></tr>
 * <tr><td>Several identical Content-Length values ({@code 5, 5} or two lines)</td><td>accepted</td><td>RFC 9110
 *     section 8.6 allows a recipient to take them as one value. No two readers can derive different lengths from
 *     them, and the head is forwarded unchanged.</td></tr>
 * <tr><td>Content-Length not {@code 1*DIGIT} (sign, empty, empty list element, inner space, above
 *     {@code Long.MAX_VALUE})</td><td>400</td><td>RFC 9112 section 6.3 rule 5: invalid length is an error.
 *     Leading zeros are digits and are accepted.</td></tr>
 * <tr><td>Transfer-Encoding whose last coding is not {@code chunked} ({@code gzip}; {@code chunked, gzip})</td>
 *     <td>400</td><td>RFC 9112 section 6.3 rule 4 requires 400 for requests. For responses the RFC would read until
 *     close; Sluice refuses (502) because it cannot tell the client where such a body ends either.</td></tr>
 * <tr><td>Other codings before a final {@code chunked} ({@code gzip, chunked})</td><td>501</td><td>RFC 9112
 *     section 6.1: a server that does not understand a coding answers 501. Sluice implements only chunked.</td></tr>
 * <tr><td>{@code chunked} twice, an empty Transfer-Encoding, or a coding that is not a token</td><td>400</td>
 *     <td>RFC 9112 section 7: chunked is applied at most once. Empty list elements ({@code , chunked}) are skipped
 *     as RFC 9110 section 5.6.1 asks.</td></tr>
 * <tr><td>Transfer-Encoding in an HTTP/1.0 message</td><td>400</td><td>RFC 9112 section 6.1: the framing must be
 *     treated as faulty; 1.0 peers do not know chunked, so the server would read the body differently.</td></tr>
 * <tr><td>obs-fold (a field line starting with SP or HTAB), including whitespace before the first field</td>
 *     <td>400</td><td>RFC 9112 sections 5.2 and 2.2 allow rejection; unfolding would mean rewriting the head, and
 *     folding is a classic way to hide a header from one parser. Responses: 502 (section 5.2 allows it).</td></tr>
 * <tr><td>Whitespace between a field name and its colon</td><td>400</td><td>RFC 9112 section 5.1: a server MUST
 *     reject it; a proxy MUST not forward it in a response, so responses get 502.</td></tr>
 * <tr><td>A field name that is not a token, or a line without a colon</td><td>400</td><td>RFC 9110 section 5.1.</td></tr>
 * <tr><td>A CTL other than HTAB (NUL, ESC, DEL...) in a field value or in the reason phrase</td><td>400</td>
 *     <td>RFC 9110 section 5.5. Bytes 0x80-0xFF (obs-text) are accepted as opaque.</td></tr>
 * <tr><td>A bare CR anywhere in the head</td><td>400</td><td>RFC 9112 section 2.2 allows either rejection or
 *     replacement by SP; replacement would rewrite the head.</td></tr>
 * <tr><td>A line ended by LF without CR</td><td>400</td><td>RFC 9112 section 2.2 only <em>allows</em> a recipient
 *     to accept bare LF. A server behind Sluice might not, and disagreement on line ends is a smuggling vector, so
 *     Sluice requires CRLF everywhere. This includes the chunked framing.</td></tr>
 * <tr><td>Empty lines before the request line</td><td>skipped</td><td>RFC 9112 section 2.2 asks servers to ignore
 *     at least one; they count in {@code headLength()} and are forwarded. Before a status line they are an error.</td></tr>
 * <tr><td>Header section (start line, fields, blank line) longer than {@code maxHeadBytes}</td><td>431</td>
 *     <td>{@code tune.bufsize - tune.maxrewrite}: a head must fit in one buffer with room left to rewrite it.
 *     Refused as soon as the limit is reached without the blank line.</td></tr>
 * <tr><td>More fields than {@code maxHeaders} (101 by default, like HAProxy)</td><td>431</td><td>The offset
 *     arrays are sized once; a bound is also a bound on work.</td></tr>
 * <tr><td>Request line longer than {@code maxStartLineBytes}, or not ended when the head limit is reached</td>
 *     <td>414</td><td>RFC 9110 section 15.5.15. The limit defaults to the head limit, so 414 means "the request line
 *     alone does not fit".</td></tr>
 * <tr><td>HTTP/1.1 request without Host; any request with several Host lines</td><td>400</td><td>RFC 9112
 *     section 3.2. An empty Host value is valid (a target without authority). HTTP/1.0 may omit Host.</td></tr>
 * <tr><td>A method that is not a token; a request line that is not exactly
 *     {@code method SP target SP version}</td><td>400</td><td>RFC 9112 section 3. Single SP only: RFC 9112 section 3
 *     allows lenient splitting on other whitespace, which is another place for parsers to disagree.</td></tr>
 * <tr><td>A target byte outside visible ASCII</td><td>400</td><td>URI syntax (RFC 3986) has no such bytes; clients
 *     percent-encode them.</td></tr>
 * <tr><td>A version not of the form {@code HTTP/d.d} (case-sensitive)</td><td>400</td><td>RFC 9112 section 2.3.</td></tr>
 * <tr><td>A major version other than 1 ({@code HTTP/2.0}, {@code HTTP/0.9})</td><td>505</td><td>RFC 9110 section
 *     15.6.6. A higher 1.x minor ({@code HTTP/1.2}) is read as 1.1, as RFC 9110 section 2.5 asks; it is forwarded
 *     unchanged and the server applies the same rule.</td></tr>
 * <tr><td>Status line not {@code HTTP/d.d SP 3DIGIT [SP reason]}, or a code outside 100-599</td><td>502</td>
 *     <td>RFC 9112 section 4, RFC 9110 section 15. A missing SP before an empty reason is accepted.</td></tr>
 * <tr><td>Chunk size not hexadecimal, empty, above 2^62, or its line above {@code maxChunkLineBytes};
 *     whitespace after the size not followed by {@code ;}; a CTL or bare LF in an extension; data not followed by
 *     CRLF; a malformed or oversized trailer section</td><td>400</td><td>RFC 9112 section 7.1. 2^62 keeps sums far
 *     from overflow; extensions are not interpreted but forwarded.</td></tr>
 * </table>
 *
 * <h2>Body framing (RFC 9112 section 6.3)</h2>
 *
 * For responses, in order: 1xx, 204 and 304, a response to HEAD, and a 2xx
 * response to CONNECT have no body whatever their fields say (the connection
 * after a CONNECT 2xx or a 101 is a tunnel, which is the session's business).
 * Then, for both kinds: {@code chunked} gives {@link dev.sluice.http.BodyFraming#CHUNKED};
 * a Content-Length gives {@link dev.sluice.http.BodyFraming#CONTENT_LENGTH} (or
 * {@link dev.sluice.http.BodyFraming#NONE} when it is 0); otherwise a request has no
 * body and a response runs {@link dev.sluice.http.BodyFraming#UNTIL_CLOSE}.
 * Chunked bodies are forwarded as received: {@link dev.sluice.http.ChunkedDecoder}
 * only finds where they end.
 *
 * <h2>Persistence (RFC 9112 sections 9.3 and 9.6, RFC 9110 section 7.6.1)</h2>
 *
 * HTTP/1.1 keeps the connection unless {@code close} is listed; HTTP/1.0 keeps
 * it only with {@code keep-alive} and without {@code close}; a response read
 * until close never keeps it. Every other Connection option names a hop-by-hop
 * field ({@link dev.sluice.http.HttpHeadParser#isNominatedByConnection}).
 *
 * <p>Threading: every type here is either immutable or owned by one event loop.
 */
package dev.sluice.http;
