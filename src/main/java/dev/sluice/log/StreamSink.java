package dev.sluice.log;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Standard output or standard error: each line is written whole, waiting if the
 * reader is slow. Only the writer thread waits; the loops' rings fill and drop.
 *
 * <p>Used by the log writer thread only.
 */
final class StreamSink implements LogSink {
    private final FileChannel channel;
    private byte[] wrappedArray;
    private ByteBuffer wrapped;
    private String lastError = "";

    StreamSink(FileDescriptor fd) {
        channel = new FileOutputStream(fd).getChannel();
    }

    @Override
    public boolean send(byte[] bytes, int length) {
        if (bytes != wrappedArray) {
            wrapped = ByteBuffer.wrap(bytes);
            wrappedArray = bytes;
        }
        wrapped.limit(length).position(0);
        try {
            while (wrapped.hasRemaining()) {
                channel.write(wrapped);
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
        // Standard output and error belong to the process: never closed here.
    }
}
