package dev.kapi.apiserver.server;

import dev.kapi.apiserver.storage.cacher.CacheStats;
import dev.kapi.apiserver.storage.cacher.Cacher;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * The watch cache ({@code --watch-cache}, {@code --watch-cache-sizes}): {@link WatchCaches} as the outermost
 * storage decorator, and its meters under kube-apiserver's names ({@code apiserver_watch_cache_capacity},
 * {@code apiserver_watch_cache_resource_version}, {@code apiserver_watch_cache_events_received_total},
 * {@code apiserver_watch_cache_initializations_total}, {@code apiserver_watch_cache_consistent_read_total})
 * plus what kube does not report: the objects held and their bytes ({@code kapi_watch_cache_objects},
 * {@code kapi_watch_cache_bytes}).
 */
@Configuration(proxyBeanMethods = false)
public class WatchCacheConfig {

    @Bean(destroyMethod = "close")
    @Order(Ordered.LOWEST_PRECEDENCE) // outermost: the cache holds what the store reads (decrypted, timed behind it)
    WatchCaches watchCaches(WatchCacheOptions options, ServerOptions server, MeterRegistry meters) {
        return new WatchCaches(options, server.etcdPrefix(), (resource, cacher) -> register(meters, resource, cacher));
    }

    private static void register(MeterRegistry meters, String resource, Cacher cacher) {
        gauge(meters, "apiserver.watch.cache.capacity", "Total capacity of watch cache broken by resource type.",
                resource, cacher, s -> s.historyCapacity());
        gauge(meters, "apiserver.watch.cache.resource.version", "Current resource version of watch cache broken "
                + "by resource type.", resource, cacher, s -> s.revision());
        gauge(meters, "kapi.watch.cache.objects", "Objects held by the watch cache, by resource type.",
                resource, cacher, s -> s.objects());
        gauge(meters, "kapi.watch.cache.bytes", "Bytes of the stored values held by the watch cache, by resource "
                + "type (each object is held once).", resource, cacher, s -> s.bytes());
        gauge(meters, "apiserver.registered.watchers", "Number of currently registered watchers for a given "
                + "resources.", resource, cacher, s -> s.watchers());
        counter(meters, "apiserver.watch.cache.events.received", "Counter of events received in watch cache "
                + "broken by resource type.", resource, cacher, s -> s.eventsReceived());
        counter(meters, "apiserver.watch.cache.initializations", "Counter of watch cache initializations broken by "
                + "resource type.", resource, cacher, s -> s.initializations());
        FunctionCounter.builder("apiserver.watch.cache.consistent.read", cacher,
                        c -> c.stats().consistentReadsFromCache())
                .description("Counter for consistent reads from cache.")
                .tags("resource", resource, "success", "true", "fallback", "false").register(meters);
        FunctionCounter.builder("apiserver.watch.cache.consistent.read", cacher,
                        c -> c.stats().consistentReadsFallback())
                .description("Counter for consistent reads from cache.")
                .tags("resource", resource, "success", "true", "fallback", "true").register(meters);
        FunctionCounter.builder("kapi.watch.cache.consistent.read.wait", cacher,
                        c -> c.stats().consistentReadWaitSeconds()).baseUnit("seconds")
                .description("Time consistent reads spent reading the backend's revision and waiting for the watch "
                        + "cache to reach it, by resource type.")
                .tag("resource", resource).register(meters);
    }

    private static void gauge(MeterRegistry meters, String name, String help, String resource, Cacher cacher,
                              ToDoubleFunction<CacheStats> value) {
        Gauge.builder(name, cacher, c -> value.applyAsDouble(c.stats())).description(help)
                .tag("resource", resource).register(meters);
    }

    private static void counter(MeterRegistry meters, String name, String help, String resource, Cacher cacher,
                                ToDoubleFunction<CacheStats> value) {
        FunctionCounter.builder(name, cacher, c -> value.applyAsDouble(c.stats())).description(help)
                .tag("resource", resource).register(meters);
    }
}
