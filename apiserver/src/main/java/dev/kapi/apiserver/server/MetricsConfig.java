package dev.kapi.apiserver.server;

import dev.kapi.apiserver.admission.AdmissionChain;
import dev.kapi.apiserver.endpoints.PathHandler;
import dev.kapi.apiserver.endpoints.discovery.MetricsHandler;
import dev.kapi.apiserver.registry.ResourceRegistry;
import dev.kapi.apiserver.registry.StorageDecorator;
import dev.kapi.apiserver.storage.ObservedStorage;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.sqlite.SqliteStorage;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

import java.time.Duration;
import java.util.Arrays;

/**
 * The meters behind {@code /metrics} (kube-apiserver's names, Prometheus text format): one
 * {@link PrometheusMeterRegistry} with the JVM and process meters, the request meters
 * ({@code filters.RequestMetricsFilter}, {@code filters.MaxInFlightFilter}, placed by {@link HandlerChain}),
 * {@code etcd_request_duration_seconds} from the storage backend ({@link ObservedStorage} put in front of each
 * resource's store by a {@link StorageDecorator}), the admission step and controller durations ({@link AdmissionChain#observedBy}; the
 * webhook plugins count as controllers by their plugin names; each webhook call has kube's per-webhook meters,
 * {@link WebhookMeters}) and
 * {@code apiserver_storage_objects} ({@link StoredObjectCounts}), {@code apiserver_storage_size_bytes}
 * ({@link StorageSize}).
 */
@Configuration(proxyBeanMethods = false)
public class MetricsConfig {

    /** kube's {@code etcd_request_duration_seconds} buckets. */
    private static final double[] ETCD_BUCKETS = {0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2,
            3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60};
    /** kube's admission step and controller buckets. */
    private static final double[] ADMISSION_BUCKETS = {0.005, 0.025, 0.1, 0.5, 1.0, 2.5};

    @Bean(destroyMethod = "close")
    PrometheusMeterRegistry meterRegistry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        return registry;
    }

    @Bean
    PathHandler metricsHandler(PrometheusMeterRegistry registry) {
        return new MetricsHandler(registry::scrape);
    }

    @Bean(destroyMethod = "close")
    StoredObjectCounts storedObjectCounts(Storage storage, ResourceRegistry resources, ServerOptions options,
                                          OperationsOptions operations, PrometheusMeterRegistry registry) {
        return new StoredObjectCounts(storage, resources, options.etcdPrefix(), registry,
                operations.countMetricPollPeriod());
    }

    @Bean(destroyMethod = "close")
    StorageSize storageSize(Storage storage, OperationsOptions operations, PrometheusMeterRegistry registry) {
        return new StorageSize(storage, registry, storage instanceof SqliteStorage ? "sqlite-0" : "etcd-0",
                operations.dbMetricPollInterval());
    }

    /**
     * {@code etcd_request_duration_seconds}: every resource's store reads and writes through an
     * {@link ObservedStorage} (the {@code storage} bean itself stays the backend, which tests and the server
     * use by its own type).
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE) // nearest the backend: it times the backend's calls, not a cache's
    StorageDecorator observedStores(MeterRegistry meters, ServerOptions options) {
        Duration[] buckets = slos(ETCD_BUCKETS);
        TaggedMeters<Timer> timers = new TaggedMeters<>(tags -> Timer.builder("etcd.request.duration")
                .description("Etcd request latency in seconds for each operation and object type.")
                .tags("operation", tags.get(0), "type", tags.get(1))
                .serviceLevelObjectives(buckets).register(meters));
        return (definition, storage) -> new ObservedStorage(storage,
                (operation, type, took) -> timers.get(operation, type).record(took), options.etcdPrefix());
    }

    /** Puts the meters in front of the admission chain, which knows nothing of metrics. */
    @Bean
    static BeanPostProcessor observeAdmission(ObjectProvider<MeterRegistry> registry) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (bean instanceof AdmissionChain chain) {
                    return chain.observedBy(new AdmissionMeters(registry.getObject(), slos(ADMISSION_BUCKETS)));
                }
                return bean;
            }
        };
    }

    static Duration[] slos(double[] seconds) {
        return Arrays.stream(seconds).mapToObj(s -> Duration.ofNanos((long) (s * 1e9))).toArray(Duration[]::new);
    }
}
