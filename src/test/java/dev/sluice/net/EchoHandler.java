package dev.sluice.net;

import dev.sluice.buffer.Buffer;
import dev.sluice.buffer.BufferPool;
import dev.sluice.buffer.Criticality;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/**
 * Echoes what it reads through one pool buffer, with back-pressure: while the
 * buffer is full it drops read interest, and it releases the buffer as soon as
 * it is empty. At the end of the input it flushes, shuts its output and closes.
 * Fields are loop-confined; tests read them through {@code EventLoop.call}.
 */
final class EchoHandler implements ConnectionHandler {
    private final Connection connection;
    private final BufferPool pool;
    private Buffer buffer;
    private boolean inputEnded;
    private boolean readingPaused;
    /** Times reading stopped because the buffer was full. */
    int pauses;
    /** readable() calls that came while read interest was off: must stay 0. */
    int readsWhilePaused;
    IOException error;
    final CountDownLatch sawEndOfInput = new CountDownLatch(1);
    final CountDownLatch failed = new CountDownLatch(1);

    EchoHandler(Connection connection, BufferPool pool) {
        this.connection = connection;
        this.pool = pool;
        connection.handler(this);
        connection.readInterest(true);
    }

    @Override
    public void readable() {
        if (readingPaused) {
            readsWhilePaused++;
        }
        if (buffer == null) {
            buffer = pool.tryAllocate(Criticality.CRITICAL);
            if (buffer == null) {
                throw new IllegalStateException("test pool too small");
            }
        }
        int n;
        try {
            n = connection.read(buffer);
        } catch (IOException e) {
            fail(e);
            return;
        }
        if (n < 0) {
            inputEnded = true;
            connection.readInterest(false);
            sawEndOfInput.countDown();
        }
        flush();
    }

    @Override
    public void writable() {
        flush();
    }

    private void flush() {
        if (buffer != null && !buffer.isEmpty()) {
            try {
                connection.write(buffer);
            } catch (IOException e) {
                fail(e);
                return;
            }
        }
        if (buffer != null && buffer.isEmpty()) {
            pool.release(buffer);
            buffer = null;
        }
        if (buffer != null) {
            connection.writeInterest(true);
            if (buffer.writable() == 0 && !readingPaused) {
                readingPaused = true;
                pauses++;
                connection.readInterest(false);
            }
            return;
        }
        connection.writeInterest(false);
        if (inputEnded) {
            connection.shutdownOutput();
            connection.close();
        } else if (readingPaused) {
            readingPaused = false;
            connection.readInterest(true);
        }
    }

    private void fail(IOException e) {
        error = e;
        if (buffer != null) {
            pool.release(buffer);
            buffer = null;
        }
        connection.close();
        failed.countDown();
    }
}
