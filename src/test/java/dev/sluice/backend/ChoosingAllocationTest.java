package dev.sluice.backend;

import static dev.sluice.backend.Farms.backend;
import static dev.sluice.backend.Farms.weighted;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.Criticality;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Choosing a server and taking its slot, then giving it back, allocates
 * nothing for any algorithm, the hashing ones reading their key in place in a
 * buffer; nor does queueing behind a full server and being granted its slot.
 */
class ChoosingAllocationTest {
    private static final int ROUNDS = 200_000;
    /** Far below one byte per choice: what the measuring itself may cost. */
    private static final long ALLOWED_BYTES = 16 * 1024;

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static List<BalanceSpec> specs() {
        List<BalanceSpec> specs = new ArrayList<>();
        for (BalanceAlgorithm a : BalanceAlgorithm.values()) {
            BalanceSpec s = a == BalanceAlgorithm.HDR ? BalanceSpec.of(a, "x-user")
                    : a == BalanceAlgorithm.URL_PARAM ? BalanceSpec.of(a, "user") : BalanceSpec.of(a);
            specs.add(s);
            if (a.key() != BalanceKey.Source.NONE) {
                specs.add(s.withHashType(HashType.CONSISTENT));
            }
        }
        return specs;
    }

    @Test
    void choosingAndReleasingAllocatesNothingForEveryAlgorithm() throws Exception {
        BufferPool pool = new BufferPool(1, 512, 0, () -> 0);
        Buffer buf = pool.tryAllocate(Criticality.CRITICAL);
        byte[] request = "GET /a/b/c.html?x=1&user=42 HTTP/1.1\r\nx-user: someone\r\n".getBytes(StandardCharsets.US_ASCII);
        buf.append(request, 0, request.length);
        BalanceKey target = new BalanceKey().bytes(buf, 4, 27);
        BalanceKey header = new BalanceKey().bytes(buf, 45, 52);
        BalanceKey address = new BalanceKey().clientAddress(new byte[] {10, 1, 2, 3});
        TestLoop loop = new TestLoop(0);
        TestWaiter waiter = new TestWaiter(loop);
        for (BalanceSpec spec : specs()) {
            Backend b = backend(spec, weighted(1, 2, 3, 4));
            BalanceKey key = switch (spec.algorithm().key()) {
                case CLIENT_ADDRESS -> address;
                case TARGET -> target;
                case HEADER -> header;
                case NONE -> BalanceKey.NONE;
            };
            round(b, waiter, key, ROUNDS / 10);
            long before = threads.getCurrentThreadAllocatedBytes();
            round(b, waiter, key, ROUNDS);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated < ALLOWED_BYTES, spec.algorithm() + " " + spec.hashType() + ": " + allocated
                    + " bytes for " + ROUNDS + " choices");
        }
        pool.release(buf);
    }

    private static void round(Backend b, TestWaiter waiter, BalanceKey key, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            Server s = b.acquire(waiter, key, null);
            b.releaseSlot(s);
        }
    }
}
