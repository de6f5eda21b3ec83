package dev.kapi.apiserver.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * kube's log backend ({@code --audit-log-path}): each event as one line of JSON, one write call per line, so
 * that a line is never cut or interleaved. As an {@link AuditSink} it is kube's default {@code blocking} mode (the
 * request's thread writes the line; a write that fails is dropped and reported, without the event's content); as
 * an {@link EventSender} it writes the batches of {@code --audit-log-mode=batch} ({@link BatchBackend}).
 *
 * <p>With a maximum event size ({@code --audit-log-truncate-enabled}, {@code --audit-log-truncate-max-event-size})
 * kube's truncate backend stands in front of it ({@link EventEncoder}).
 */
public final class LogBackend implements AuditSink, EventSender, AutoCloseable {

    /** Where the lines go: a {@link RotatingFile} or standard output. */
    public interface Output extends AutoCloseable {
        void write(byte[] line) throws IOException;

        @Override
        void close() throws IOException;
    }

    private final Output out;
    private final BlockingBackend blocking;

    public LogBackend(Output out) {
        this(out, 0, AuditMetrics.NONE);
    }

    /** With events larger than {@code maxEventSize} bytes truncated, or dropped (0: no limit). */
    public LogBackend(Output out, long maxEventSize, AuditMetrics metrics) {
        this.out = out;
        this.blocking = new BlockingBackend("log", maxEventSize, this, metrics);
    }

    /** Standard output ({@code --audit-log-path=-}): lines written whole, one at a time. */
    public static Output stdout() {
        OutputStream stdout = System.out;
        return new Output() {
            @Override
            public void write(byte[] line) throws IOException {
                synchronized (stdout) {
                    stdout.write(line);
                    stdout.flush();
                }
            }

            @Override
            public void close() {
                // standard output stays open
            }
        };
    }

    @Override
    public boolean process(AuditEvent event) {
        return blocking.process(event);
    }

    @Override
    public void send(List<byte[]> events) throws IOException {
        for (byte[] json : events) {
            byte[] line = new byte[json.length + 1];
            System.arraycopy(json, 0, line, 0, json.length);
            line[json.length] = '\n';
            out.write(line);
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
