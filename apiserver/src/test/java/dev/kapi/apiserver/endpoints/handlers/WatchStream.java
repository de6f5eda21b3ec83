package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.Json;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A chunked watch response as {@link HttpWatchSink} writes it, recorded: its lines (one event per chunk),
 * where it was flushed, and the largest single write.
 */
final class WatchStream extends OutputStream {

    /** One event's line: the name of its object and its size in bytes (the chunk's data). */
    record Line(String name, int bytes, int end) {
    }

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final List<Integer> flushes = new ArrayList<>();
    private int largestWrite;

    @Override
    public synchronized void write(int b) {
        bytes.write(b);
        largestWrite = Math.max(largestWrite, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        bytes.write(b, off, len);
        largestWrite = Math.max(largestWrite, len);
    }

    @Override
    public synchronized void flush() {
        flushes.add(bytes.size());
    }

    synchronized int largestWrite() {
        return largestWrite;
    }

    /** The complete chunks written so far, each one line. */
    synchronized List<Line> lines() {
        byte[] all = bytes.toByteArray();
        List<Line> lines = new ArrayList<>();
        int pos = 0;
        while (true) {
            int crlf = indexOf(all, pos);
            if (crlf < 0) {
                return lines;
            }
            int size = Integer.parseInt(new String(all, pos, crlf - pos, StandardCharsets.US_ASCII), 16);
            int data = crlf + 2;
            if (data + size + 2 > all.length) {
                return lines;
            }
            if (all[data + size - 1] != '\n' || all[data + size] != '\r' || all[data + size + 1] != '\n') {
                throw new AssertionError("not one line per chunk at " + pos);
            }
            String name = Json.MAPPER.readTree(Arrays.copyOfRange(all, data, data + size))
                    .path("object").path("metadata").path("name").asString();
            lines.add(new Line(name, size, data + size + 2));
            pos = data + size + 2;
        }
    }

    /** The lines of each flush. */
    synchronized List<List<Line>> batches() {
        List<List<Line>> batches = new ArrayList<>();
        List<Line> lines = lines();
        int next = 0;
        for (int flushedAt : flushes) {
            List<Line> batch = new ArrayList<>();
            while (next < lines.size() && lines.get(next).end() <= flushedAt) {
                batch.add(lines.get(next++));
            }
            if (!batch.isEmpty()) {
                batches.add(batch);
            }
        }
        return batches;
    }

    private static int indexOf(byte[] all, int from) {
        for (int i = from; i + 1 < all.length; i++) {
            if (all[i] == '\r' && all[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
