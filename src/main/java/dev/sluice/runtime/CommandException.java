package dev.sluice.runtime;

/** A command that cannot be done; its message is the answer the client gets. */
public final class CommandException extends Exception {
    public CommandException(String message) {
        super(message, null, false, false);
    }
}
