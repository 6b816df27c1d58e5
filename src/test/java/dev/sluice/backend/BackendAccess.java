package dev.sluice.backend;

/** For tests of other packages: a health check's verdict, without a check. */
public final class BackendAccess {
    private BackendAccess() {
    }

    /** {@code s} failed its checks: DOWN. */
    public static void down(Backend b, Server s) {
        b.checkVerdict(s, Backend.Verdict.DOWN, "test");
    }
}
