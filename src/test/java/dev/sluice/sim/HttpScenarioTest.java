package dev.sluice.sim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * HTTP sessions in the simulator with nothing going wrong: keep-alive,
 * pipelining, Content-Length and chunked bodies both ways, bodies several
 * buffers long. Every request must be answered byte-exact.
 */
class HttpScenarioTest {
    static final int BUFSIZE = 1024;

    static SimScenario keepAlive() {
        return SimScenario.http()
                .bufsize(BUFSIZE)
                .pool(8, 2)
                .server(2).server(0)
                .clients(200)
                .requests(1, 5)
                .upload(0, 3 * BUFSIZE)
                .download(0, 5 * BUFSIZE)
                .bodies(0.3, 0.5)
                .arrivalsWithinMillis(100);
    }

    @Test
    void keepAliveRequestsOneAtATimeAreAnsweredByteExact(TestInfo test) {
        SimSeeds.forEach(test, 8, seed -> {
            SimRun run = keepAlive().run(seed);
            System.out.println(run.summary());
            run.assertCompletedCleanly();
        });
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderByteExact(TestInfo test) {
        SimSeeds.forEach(test, 8, seed -> keepAlive().pipelining(4).behaviors(1, 0, 0, 0)
                .run(seed).assertCompletedCleanly());
    }

    @Test
    void slowReadersOnKeepAliveConnectionsAreAnsweredByteExact(TestInfo test) {
        SimSeeds.forEach(test, 6, seed -> keepAlive().pipelining(2).httpBehaviors(2, 1, 0, 0, 0, 0)
                .run(seed).assertCompletedCleanly());
    }

    /**
     * A client that pipelines its requests and then half-closes (shuts its
     * output: "no more requests") is owed an answer to every request it sent.
     * Sluice used to answer the first and close, because the request channel
     * had seen the end of stream (seed 1: client 3 sent 3 requests, got 2,
     * session DONE).
     */
    @Test
    void clientsThatHalfCloseAfterTheirLastRequestGetEveryResponse(TestInfo test) {
        SimSeeds.forEach(test, 8, seed -> keepAlive().pipelining(4).endings(0, 1, 0)
                .run(seed).assertCompletedCleanly());
    }
}
