package dev.kapi.apiserver.audit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * kube's buffered backend ({@code --audit-webhook-mode=batch}, the webhook's default, and
 * {@code --audit-log-mode=batch}): a request's thread only encodes its event and queues it; one thread collects
 * the queue into batches of at most {@code maxBatchSize} events, sending a batch when it is full or when
 * {@code maxBatchWait} has passed since the collection began (so no event waits longer, if the sender keeps up),
 * at most {@code qps} batches a second with bursts of {@code burst} when throttled. Sends run on their own virtual
 * threads when {@code async} (the webhook's, as kube's goroutines: a slow webhook does not stop the collecting),
 * else on the collecting thread (the log's). When the queue ({@code bufferSize} events) is full, an event is
 * dropped and reported ("audit buffer queue blocked"); the request goes on. {@link #close} sends what is queued and
 * waits for the sends under way, at most {@code closeWait} (a server stopping several backends uses
 * {@link #shutdown} and {@link #awaitSent} to share one deadline); what is left then is reported as dropped.
 */
public final class BatchBackend implements AuditSink, AutoCloseable {

    /** kube's batch options ({@code --audit-<backend>-batch-*}); {@code qps} 0: not throttled. */
    public record Options(int bufferSize, int maxBatchSize, Duration maxBatchWait, double qps, int burst,
                          boolean async) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(BatchBackend.class);
    /** How often the collecting thread looks whether the backend was closed while it waits for events. */
    private static final long POLL_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final String plugin;
    private final EventEncoder encoder;
    private final EventSender sender;
    private final Options options;
    private final Duration closeWait;
    private final ArrayBlockingQueue<byte[]> buffer;
    private final TokenBucket throttle;
    private final PluginErrors sendErrors;
    private final PluginErrors bufferErrors;
    private final Object sendsLock = new Object();
    private int sending;
    private final Thread collector;
    private volatile boolean closed;

    /** Events larger than {@code maxEventSize} bytes are truncated, or dropped (0: no limit). */
    public BatchBackend(String plugin, long maxEventSize, EventSender sender, Options options, Duration closeWait,
                        AuditMetrics metrics) {
        this.plugin = plugin;
        this.encoder = new EventEncoder(maxEventSize, metrics);
        this.sender = sender;
        this.options = options;
        this.closeWait = closeWait;
        this.buffer = new ArrayBlockingQueue<>(options.bufferSize());
        this.throttle = options.qps() > 0 ? new TokenBucket(options.qps(), options.burst()) : null;
        this.sendErrors = new PluginErrors(plugin, metrics);
        this.bufferErrors = new PluginErrors("buffered", metrics);
        this.collector = Thread.ofPlatform().name("audit-batch-" + plugin).daemon().start(this::collect);
    }

    @Override
    public boolean process(AuditEvent event) {
        if (closed) {
            bufferErrors.report(1, "audit backend is shut down");
            return true;
        }
        try {
            byte[] json = encoder.encode(event);
            if (json != null && !buffer.offer(json)) {
                bufferErrors.report(1, "audit buffer queue blocked");
            }
        } catch (RuntimeException e) {
            bufferErrors.report(1, String.valueOf(e.getMessage()));
        }
        return true;
    }

    private void collect() {
        long waitNanos;
        try {
            waitNanos = Math.max(0, options.maxBatchWait().toNanos());
        } catch (ArithmeticException e) {
            waitNanos = Long.MAX_VALUE;
        }
        try {
            while (!closed) {
                dispatch(nextBatch(System.nanoTime(), waitNanos));
            }
            for (List<byte[]> rest = drain(); !rest.isEmpty(); rest = drain()) {
                dispatch(rest);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.error("audit batching for plugin '{}' stopped", plugin, e);
        }
    }

    /**
     * The events collected until the batch is full, {@code waitNanos} passed since {@code start}, or the backend
     * closed; with no wait, the events there are once the first one came.
     */
    private List<byte[]> nextBatch(long start, long waitNanos) throws InterruptedException {
        List<byte[]> batch = new ArrayList<>();
        boolean noWait = waitNanos == 0;
        while (batch.size() < options.maxBatchSize() && !closed) {
            long left = noWait ? (batch.isEmpty() ? POLL_SLICE_NANOS : 0) : waitNanos - (System.nanoTime() - start);
            if (left <= 0) {
                buffer.drainTo(batch, options.maxBatchSize() - batch.size());
                break;
            }
            byte[] e = buffer.poll(Math.min(left, POLL_SLICE_NANOS), TimeUnit.NANOSECONDS);
            if (e != null) {
                batch.add(e);
            } else if (noWait && !batch.isEmpty()) {
                break;
            }
        }
        return batch;
    }

    private List<byte[]> drain() {
        return drain(options.maxBatchSize());
    }

    private List<byte[]> drain(int most) {
        List<byte[]> batch = new ArrayList<>();
        buffer.drainTo(batch, most);
        return batch;
    }

    private void dispatch(List<byte[]> batch) throws InterruptedException {
        if (batch.isEmpty()) {
            return;
        }
        if (throttle != null) {
            throttle.acquire();
        }
        if (!options.async()) {
            send(batch);
            return;
        }
        synchronized (sendsLock) {
            sending++;
        }
        Thread.ofVirtual().name("audit-send-" + plugin).start(() -> {
            try {
                send(batch);
            } finally {
                synchronized (sendsLock) {
                    sending--;
                    sendsLock.notifyAll();
                }
            }
        });
    }

    private void send(List<byte[]> batch) {
        try {
            sender.send(batch);
        } catch (IOException | RuntimeException e) {
            sendErrors.report(batch.size(), String.valueOf(e.getMessage()));
        }
    }

    /** Sends what is queued and waits for the sends under way, at most the close wait. */
    @Override
    public void close() {
        shutdown();
        awaitSent(System.nanoTime() + closeWait.toNanos());
    }

    /** Takes no more events: what is queued is sent next. Returns at once (see {@link #awaitSent}). */
    public void shutdown() {
        closed = true;
    }

    /**
     * Waits until what was queued when {@link #shutdown} was called is sent, at most until {@code deadline}
     * ({@link System#nanoTime}); what is still queued or being sent then is reported as dropped.
     */
    public void awaitSent(long deadline) {
        int stillSending;
        try {
            collector.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            synchronized (sendsLock) {
                for (long left = deadline - System.nanoTime(); sending > 0 && left > 0; left = deadline - System.nanoTime()) {
                    sendsLock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (sendsLock) {
            stillSending = sending;
        }
        int queued = collector.isAlive() ? buffer.size() : drain(Integer.MAX_VALUE).size();
        if (queued > 0) {
            bufferErrors.report(queued, "audit backend is shut down");
        }
        if (collector.isAlive() || stillSending > 0 || queued > 0) {
            LOG.warn("Audit plugin '{}' stopped before it sent every event ({} batches still sending, {} events queued)",
                    plugin, stillSending, queued);
        }
    }
}
