package dev.kapi.apiserver.audit;

import dev.kapi.apiserver.api.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * kube's log backend ({@code --audit-log-path}): each event as one line of JSON, appended as it happens (kube's
 * default {@code blocking} mode: the request's thread writes it, one write call per line, so nothing waits in
 * memory to be lost). A write that fails is dropped and reported at most every ten seconds (kube's "Error in
 * audit plugin 'log'"), without the event's content.
 *
 * <p>With a maximum event size ({@code --audit-log-truncate-enabled}, {@code --audit-log-truncate-max-event-size})
 * it is kube's truncate backend in front of the log: an event whose JSON line is larger, at level Request or
 * RequestResponse, loses its request and response objects and gains the annotation
 * {@code audit.k8s.io/truncated: "true"}; one still larger (or larger at level Metadata) is dropped and reported
 * as kube reports it ("Error in audit plugin 'truncate'"), and the request goes on.
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

    /** kube's truncate backend's annotation on an event it stripped of its objects. */
    static final String TRUNCATED = "audit.k8s.io/truncated";

    private final Output out;
    private final long maxEventSize;
    private final Reporter failedWrites = new Reporter("log");
    private final Reporter tooLarge = new Reporter("truncate");

    public LogBackend(Output out) {
        this(out, 0);
    }

    /** With events larger than {@code maxEventSize} bytes truncated, or dropped (0: no limit). */
    public LogBackend(Output out, long maxEventSize) {
        this.out = out;
        this.maxEventSize = maxEventSize;
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
        byte[] line;
        try {
            ObjectNode json = event.toJson();
            line = line(json);
            if (maxEventSize > 0 && line.length > maxEventSize) {
                if (event.level().atLeast(Level.Request)) {
                    json.remove("requestObject");
                    json.remove("responseObject");
                    ObjectNode annotations = json.has("annotations") ? (ObjectNode) json.get("annotations")
                            : json.putObject("annotations");
                    annotations.put(TRUNCATED, "true");
                    line = line(json);
                }
                if (line.length > maxEventSize) {
                    tooLarge.report("event is too large even after truncation");
                    return true; // as kube's truncate backend: dropped, not a failure of the log
                }
            }
        } catch (RuntimeException e) {
            failedWrites.report(String.valueOf(e.getMessage()));
            return false;
        }
        try {
            out.write(line);
            return true;
        } catch (IOException | RuntimeException e) {
            failedWrites.report(String.valueOf(e.getMessage()));
            return false;
        }
    }

    private static byte[] line(ObjectNode json) {
        byte[] bytes = Json.MAPPER.writeValueAsBytes(json);
        byte[] line = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, line, 0, bytes.length);
        line[bytes.length] = '\n';
        return line;
    }

    /** Reports dropped events of one plugin at most every ten seconds, with how many since the last report. */
    private static final class Reporter {
        private final String plugin;
        private final AtomicLong lastReport = new AtomicLong(System.nanoTime() - REPORT_EVERY_NANOS);
        private final AtomicLong dropped = new AtomicLong();

        Reporter(String plugin) {
            this.plugin = plugin;
        }

        void report(String error) {
            long n = dropped.incrementAndGet();
            long now = System.nanoTime();
            long last = lastReport.get();
            if (now - last >= REPORT_EVERY_NANOS && lastReport.compareAndSet(last, now)) {
                dropped.addAndGet(-n);
                LOG.error("Error in audit plugin '{}' affecting {} audit events: {}", plugin, n, error);
            }
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
