package dev.sluice.backend;

/** Why a queued session gets no server slot after all. */
public enum SlotRefusal {
    /** The server it waited for went DOWN or into maintenance, and redispatch is not allowed. */
    SERVER_DOWN,
    /** No server may take requests any more. */
    NO_SERVER
}
