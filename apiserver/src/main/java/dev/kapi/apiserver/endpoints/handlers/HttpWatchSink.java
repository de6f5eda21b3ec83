package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.registry.ApiWatchEvent;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a watch's events to its HTTP response stream, one JSON line per event, each in a chunk of its
 * own when the response is chunked by this server ({@link StreamingConnection#frameChunksOurselves}). An
 * event's parts go to the stream as they are, the object's shared JSON in slices of {@value #SLICE}
 * bytes: nothing is copied into a private buffer, and each slice written is progress
 * ({@link WatchPump}'s write-progress timeout ends only a write that stopped moving).
 */
final class HttpWatchSink implements WatchPump.Sink {

    /** The most bytes handed to the stream at once. */
    static final int SLICE = 64 * 1024;

    private final WatchEventEncoder encoder;
    private final OutputStream out;
    private final boolean chunked;
    private final Runnable abort;

    /**
     * @param chunked whether every event goes in a chunk framed here (else the bytes go as they are)
     * @param abort   closes the connection at once (see {@link WatchPump.Sink#abort})
     */
    HttpWatchSink(WatchEventEncoder encoder, OutputStream out, boolean chunked, Runnable abort) {
        this.encoder = encoder;
        this.out = out;
        this.chunked = chunked;
        this.abort = abort;
    }

    @Override
    public long write(ApiWatchEvent event, Runnable progressed) throws IOException {
        WatchEventEncoder.Line line = encoder.line(event);
        int length = line.length();
        if (chunked) {
            out.write(StreamingConnection.chunkHeader(length));
        }
        write(line.head(), progressed);
        write(line.shared(), progressed);
        write(line.tail(), progressed);
        if (chunked) {
            out.write(StreamingConnection.CRLF);
        }
        return length;
    }

    private void write(byte[] bytes, Runnable progressed) throws IOException {
        for (int off = 0; off < bytes.length; off += SLICE) {
            out.write(bytes, off, Math.min(SLICE, bytes.length - off));
            progressed.run();
        }
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void finish() throws IOException {
        if (chunked) {
            out.write(StreamingConnection.LAST_CHUNK);
            out.flush();
        }
    }

    @Override
    public void abort() {
        abort.run();
    }
}
