package dev.kapi.apiserver.storage.cacher;

/**
 * A snapshot of one {@link Cacher}'s state for metrics ({@code apiserver_watch_cache_*}) and tests.
 *
 * @param resource                  the cached resource (see {@link CacherOptions#resource})
 * @param ready                     primed and following the backend's watch: reads and watches are served
 * @param revision                  the revision up to which the cache has seen every change
 * @param objects                   how many objects it holds
 * @param bytes                     their stored bytes (values only)
 * @param historySize               events in the history
 * @param historyCapacity           the history's current capacity
 * @param consistentReadsFromCache  MOST_RECENT reads answered from memory
 * @param consistentReadsFallback   MOST_RECENT reads passed to the backend because the cache did not catch up
 *                                  in time, was not ready, or the backend cannot confirm that it caught up
 * @param eventsReceived            changes received from the backend's watch
 * @param initializations           completed primings (1 + re-primings after the backend watch failed)
 * @param watchers                  watches the cache serves now
 * @param consistentReadWaitSeconds the time MOST_RECENT reads spent on the backend's revision and waiting for the
 *                                  cache to reach it, in all (with the two counts above: the mean wait)
 */
public record CacheStats(String resource, boolean ready, long revision, int objects, long bytes, int historySize,
                         int historyCapacity, long consistentReadsFromCache, long consistentReadsFallback,
                         long eventsReceived, long initializations, int watchers, double consistentReadWaitSeconds) {
}
