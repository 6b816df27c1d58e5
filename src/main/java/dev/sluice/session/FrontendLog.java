package dev.sluice.session;

import dev.sluice.log.Logging;
import dev.sluice.log.ProxyLog;

/**
 * How a frontend's sessions log: the frontend's {@link ProxyLog} (format, targets,
 * options) and the running {@link Logging}, whose loop loggers the sessions write to.
 *
 * <p>Immutable; shared by the frontend's sessions on every loop.
 *
 * @param proxy   the frontend's logging, as registered with the builder of {@code logging}
 * @param logging the started logging; a session on loop {@code i} writes to {@code logging.loop(i)}
 */
public record FrontendLog(ProxyLog proxy, Logging logging) {
}
