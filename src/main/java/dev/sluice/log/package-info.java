/**
 * Access and event logs, with HAProxy's targets, formats and meanings, written
 * without ever blocking or allocating on an event loop.
 *
 * <p>The pieces, in the order a line meets them:
 * <ul>
 * <li>{@link dev.sluice.log.LogTarget} and {@link dev.sluice.log.LogLines}: the
 *     parsed {@code log} lines of the configuration, {@code log global} and
 *     {@code no log} included; {@link dev.sluice.log.LogFormat}: a compiled
 *     {@code log-format}, {@code option httplog [clf]} or {@code option tcplog}.</li>
 * <li>{@link dev.sluice.log.Logging}: built once from those at start-up; owns
 *     one ring per loop, the targets' sockets and the writer thread, and hands out
 *     a {@link dev.sluice.log.ProxyLog} per frontend and a
 *     {@link dev.sluice.log.LoopLog} per loop.</li>
 * <li>{@link dev.sluice.log.LogRecord}: one per session, filled by the session as
 *     events happen (times, addresses, names, status, bytes, termination state),
 *     then given to {@link dev.sluice.log.LoopLog#log} by the session's logging
 *     phase, which formats it into the loop's ring.</li>
 * <li>The writer thread drains every ring to the targets (UDP syslog, UNIX
 *     datagram sockets such as {@code /dev/log}, standard output and error), adding
 *     each target's syslog header.</li>
 * </ul>
 *
 * <p>Memory: the rings, one line buffer per loop and the writer's buffers are
 * allocated by {@link dev.sluice.log.Logging.Builder#start}, bounded and counted
 * ({@link dev.sluice.log.Logging#ringBytes()}); none comes from the buffer pool,
 * so logging takes no {@link dev.sluice.buffer.Criticality} class and cannot
 * close a cycle of buffer waits. A full ring drops the line and counts it.
 *
 * <p>Layering: this package sits beside {@code net} and {@code loop}; it uses
 * {@code buffer} for {@link dev.sluice.buffer.Criticality} only, and nothing
 * above it. docs/logging.md is the user's side of it.
 */
package dev.sluice.log;
