package dev.sluice.log;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Standard output or standard error. Lines are gathered and written together at
 * the end of each pass of the writer (or when {@link #BATCH_BYTES} are waiting):
 * a file or a pipe needs no write per line, and one write for many lines is what
 * keeps the writer ahead of busy loops. A slow reader makes only the writer wait;
 * the loops' rings fill and drop.
 *
 * <p>Used by the log writer thread only.
 */
final class StreamSink implements LogSink {
    static final int BATCH_BYTES = 64 * 1024;

    private final FileChannel channel;
    private final ByteBuffer batch = ByteBuffer.allocate(BATCH_BYTES);
    private String lastError = "";
    private boolean failed;

    StreamSink(FileDescriptor fd) {
        this(new FileOutputStream(fd).getChannel());
    }

    StreamSink(FileChannel channel) {
        this.channel = channel;
    }

    @Override
    public boolean send(byte[] bytes, int length) {
        if (length > batch.remaining()) {
            flush();
        }
        if (length > batch.remaining()) {
            return write(ByteBuffer.wrap(bytes, 0, length));
        }
        batch.put(bytes, 0, length);
        // A write that failed earlier in this batch is reported on the lines that follow it.
        return !failed;
    }

    @Override
    public void flush() {
        if (batch.position() == 0) {
            return;
        }
        batch.flip();
        failed = !write(batch);
        batch.clear();
    }

    private boolean write(ByteBuffer bytes) {
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            return true;
        } catch (IOException e) {
            lastError = e.toString();
            return false;
        }
    }

    @Override
    public String lastError() {
        return lastError;
    }

    @Override
    public void close() {
        flush();
        // Standard output and error belong to the process: never closed here.
    }
}
