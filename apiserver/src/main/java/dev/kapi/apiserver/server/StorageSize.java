package dev.kapi.apiserver.server;

import dev.kapi.apiserver.storage.Storage;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * kube-apiserver's {@code apiserver_storage_size_bytes{storage_cluster_id}}: the bytes the storage's database
 * takes on disk ({@link Storage#sizeBytes}), read every {@code --etcd-db-metric-poll-interval} on a daemon
 * thread (kube reads it when scraped, and its flag drives only the deprecated per-endpoint gauge). While the
 * storage does not tell its size the sample is left out, as kube leaves it out when its read fails.
 */
final class StorageSize implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StorageSize.class);

    private final Storage storage;
    private final MeterRegistry meters;
    private final String clusterId;
    private final AtomicLong bytes = new AtomicLong();
    private final ScheduledExecutorService timer;
    private Gauge gauge; // the timer's thread only

    /** @param clusterId the gauge's {@code storage_cluster_id} ({@code etcd-0} for the one etcd, as kube's) */
    StorageSize(Storage storage, MeterRegistry meters, String clusterId, Duration period) {
        this.storage = storage;
        this.meters = meters;
        this.clusterId = clusterId;
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("kapi-storage-size").daemon().factory());
        if (period.isPositive()) {
            timer.scheduleWithFixedDelay(this::read, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    void read() {
        long size;
        try {
            size = storage.sizeBytes();
        } catch (RuntimeException e) {
            size = -1;
        }
        if (size < 0) {
            if (gauge != null) {
                LOG.debug("The storage did not tell its size: apiserver_storage_size_bytes is left out");
                meters.remove(gauge);
                gauge = null;
            }
            return;
        }
        bytes.set(size);
        if (gauge == null) {
            gauge = Gauge.builder("apiserver.storage.size.bytes", bytes, AtomicLong::get)
                    .description("Size of the storage database file physically allocated in bytes.")
                    .tag("storage_cluster_id", clusterId).register(meters);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
