package dev.kapi.apiserver.storage.cacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.storage.Storage;
import java.time.Duration;

/** Checks for suites run through a {@link Cacher}: it primed, and it answered consistent reads from memory. */
public final class CachedReads {

    private CachedReads() {
    }

    public static void awaitReady(Cacher cacher) {
        await().atMost(Duration.ofSeconds(30)).until(() -> cacher.stats().ready());
    }

    /**
     * Most consistent reads came from memory (a cache that always fell back would pass by passing through)
     * when the backend answers progress requests in order; none did when it does not (etcd before 3.4.31 and
     * 3.5.13, e.g. Debian's 3.4.23: such a backend cannot tell the cache that it caught up).
     */
    public static void assertConsistentReadsFromMemory(Cacher cacher, Storage backend) {
        CacheStats stats = cacher.stats();
        if (backend.answersProgressRequests()) {
            assertThat(stats.consistentReadsFromCache()).as("consistent reads from memory: " + stats)
                    .isGreaterThan(stats.consistentReadsFallback());
        } else {
            assertThat(stats.consistentReadsFromCache()).as("consistent reads from memory: " + stats).isZero();
            assertThat(stats.consistentReadsFallback()).as("consistent reads from the backend: " + stats).isPositive();
        }
    }
}
