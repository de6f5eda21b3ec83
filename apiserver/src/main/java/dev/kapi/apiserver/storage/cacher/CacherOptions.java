package dev.kapi.apiserver.storage.cacher;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * How a {@link Cacher} behaves. {@link #DEFAULTS} are kube's: consistent reads wait at most 3 s for the cache
 * before reading the backend, the history holds between 100 and 100*1024 events and grows while its oldest
 * event is younger than 75 s.
 *
 * <p>Example: {@code CacherOptions.DEFAULTS.withResource("pods").withIndexers(Map.of("spec.nodeName",
 * json -> nodeNameOf(json)))} caches pods and answers a list with
 * {@code ListOptions.ALL.withIndex(new IndexMatch("spec.nodeName", "node-1"))} with node-1's pods only.
 *
 * @param resource           the name in {@link CacheStats} and thread names; null = taken from the prefix
 *                           ({@code /registry/pods/} gives {@code pods})
 * @param consistentReadWait how long a consistent (or not-older-than) read waits for the cache to reach the
 *                           revision it needs before it reads the backend instead
 * @param progressInterval   quiet time after which a cacher watch with progressNotify receives PROGRESS
 * @param historyMin         the history's smallest capacity (events)
 * @param historyMax         its largest capacity
 * @param eventFreshDuration a full history grows while its oldest event is younger than this, and shrinks
 *                           while even its newest quarter is older
 * @param indexers           field name -> the field's value in an object's stored JSON (null when absent)
 */
public record CacherOptions(String resource, Duration consistentReadWait, Duration progressInterval,
                            int historyMin, int historyMax, Duration eventFreshDuration,
                            Map<String, Function<byte[], String>> indexers) {

    public static final CacherOptions DEFAULTS = new CacherOptions(null, Duration.ofSeconds(3),
            Duration.ofSeconds(5), 100, 100 * 1024, Duration.ofSeconds(75), Map.of());

    public CacherOptions {
        if (historyMin < 1 || historyMax < historyMin) {
            throw new IllegalArgumentException("history capacity between " + historyMin + " and " + historyMax);
        }
        if (consistentReadWait.isNegative() || progressInterval.isNegative() || progressInterval.isZero()) {
            throw new IllegalArgumentException("negative wait or empty progress interval");
        }
        indexers = indexers == null ? Map.of() : Map.copyOf(indexers);
    }

    public CacherOptions withResource(String resource) {
        return new CacherOptions(resource, consistentReadWait, progressInterval, historyMin, historyMax,
                eventFreshDuration, indexers);
    }

    public CacherOptions withConsistentReadWait(Duration wait) {
        return new CacherOptions(resource, wait, progressInterval, historyMin, historyMax, eventFreshDuration,
                indexers);
    }

    public CacherOptions withProgressInterval(Duration interval) {
        return new CacherOptions(resource, consistentReadWait, interval, historyMin, historyMax,
                eventFreshDuration, indexers);
    }

    public CacherOptions withHistory(int min, int max, Duration fresh) {
        return new CacherOptions(resource, consistentReadWait, progressInterval, min, max, fresh, indexers);
    }

    public CacherOptions withIndexers(Map<String, Function<byte[], String>> indexers) {
        return new CacherOptions(resource, consistentReadWait, progressInterval, historyMin, historyMax,
                eventFreshDuration, indexers);
    }
}
