package dev.kapi.apiserver.audit;

import dev.kapi.apiserver.api.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * kube's log backend ({@code --audit-log-path}): each event as one line of JSON, appended as it happens (kube's
 * default {@code blocking} mode: the request's thread writes it, one write call per line, so nothing waits in
 * memory to be lost). A write that fails is dropped and reported at most every ten seconds (kube's "Error in
 * audit plugin 'log'"), without the event's content.
 */
public final class LogBackend implements AuditSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogBackend.class);
    private static final long REPORT_EVERY_NANOS = 10_000_000_000L;

    /** Where the lines go: a {@link RotatingFile} or standard output. */
    public interface Output extends AutoCloseable {
        void write(byte[] line) throws IOException;

        @Override
        void close() throws IOException;
    }

    private final Output out;
    private final AtomicLong lastReport = new AtomicLong(System.nanoTime() - REPORT_EVERY_NANOS);
    private final AtomicLong dropped = new AtomicLong();

    public LogBackend(Output out) {
        this.out = out;
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
        try {
            byte[] json = Json.MAPPER.writeValueAsBytes(event.toJson());
            byte[] line = new byte[json.length + 1];
            System.arraycopy(json, 0, line, 0, json.length);
            line[json.length] = '\n';
            out.write(line);
            return true;
        } catch (IOException | RuntimeException e) {
            report(e);
            return false;
        }
    }

    private void report(Exception e) {
        long n = dropped.incrementAndGet();
        long now = System.nanoTime();
        long last = lastReport.get();
        if (now - last >= REPORT_EVERY_NANOS && lastReport.compareAndSet(last, now)) {
            dropped.addAndGet(-n);
            LOG.error("Error in audit plugin 'log' affecting {} audit events: {}", n, String.valueOf(e.getMessage()));
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
