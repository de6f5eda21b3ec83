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
 * thread (kube reads it when scraped). The gauge appears with the first answer and keeps the last one while
 * the storage does not answer, as kube's poll of {@code apiserver_storage_db_total_size_in_bytes} did.
 */
final class StorageSize implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StorageSize.class);

    private final Storage storage;
    private final MeterRegistry meters;
    private final String clusterId;
    private final AtomicLong bytes = new AtomicLong(-1);
    private final ScheduledExecutorService timer;

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
        long size = storage.sizeBytes();
        if (size < 0) {
            LOG.debug("The storage did not tell its size; apiserver_storage_size_bytes keeps {}", bytes.get());
            return;
        }
        if (bytes.getAndSet(size) < 0) {
            Gauge.builder("apiserver.storage.size.bytes", bytes, AtomicLong::get)
                    .description("Size of the storage database file physically allocated in bytes.")
                    .tag("storage_cluster_id", clusterId).register(meters);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
