package dev.sluice.sim;

/** A property the simulator checks was broken: a lost byte, a busy loop, a leak. */
final class SimFailure extends RuntimeException {
    SimFailure(String message) {
        super(message);
    }
}
