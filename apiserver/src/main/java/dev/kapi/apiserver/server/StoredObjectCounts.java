package dev.kapi.apiserver.server;

import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.ResourceRegistry;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.ListResult;
import dev.kapi.apiserver.storage.Storage;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * kube-apiserver's {@code apiserver_storage_objects{resource}}: the number of stored objects of each resource
 * ({@code pods}, {@code deployments.apps}), counted every {@code --etcd-count-metric-poll-period} on a daemon
 * thread with one one-item list per resource (the store answers how many remain); -1 when counting failed.
 */
final class StoredObjectCounts implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoredObjectCounts.class);

    private final Storage storage;
    private final ResourceRegistry resources;
    private final String prefix;
    private final MeterRegistry meters;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;

    StoredObjectCounts(Storage storage, ResourceRegistry resources, String prefix, MeterRegistry meters,
                       Duration period) {
        this.storage = storage;
        this.resources = resources;
        this.prefix = prefix;
        this.meters = meters;
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("kapi-storage-object-counts").daemon().factory());
        if (period.isPositive()) {
            timer.scheduleWithFixedDelay(this::countAll, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    void countAll() {
        Map<String, String> prefixes = new LinkedHashMap<>();
        for (ResourceDefinition<?> d : resources.all()) {
            String group = d.group();
            String name = group.isEmpty() ? d.resource() : d.resource() + "." + group;
            // where the store keeps them: built-in groups under the resource alone (/registry/deployments)
            prefixes.putIfAbsent(name, d.keyPrefix(prefix));
        }
        prefixes.forEach((name, keyPrefix) -> {
            long n;
            try {
                ListResult page = storage.list(keyPrefix, ListOptions.limit(1));
                n = page.items().size() + Math.max(0, page.remainingItemCount());
            } catch (RuntimeException e) {
                LOG.debug("Counting {} failed: {}", name, e.toString());
                n = -1;
            }
            gauge(name).set(n);
        });
    }

    private AtomicLong gauge(String resource) {
        return counts.computeIfAbsent(resource, r -> {
            AtomicLong n = new AtomicLong();
            Gauge.builder("apiserver.storage.objects", n, AtomicLong::get)
                    .description("Number of stored objects at the time of last check split by kind. In case of a "
                            + "fetching error, the value will be -1.")
                    .tag("resource", r).register(meters);
            return n;
        });
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
