package dev.sluice.log;

/**
 * A {@code log} line or a log format that cannot be used, with the reason in
 * words. It carries no file or line: the configuration reader adds them.
 */
public final class LogConfigException extends Exception {
    public LogConfigException(String reason) {
        super(reason);
    }
}
