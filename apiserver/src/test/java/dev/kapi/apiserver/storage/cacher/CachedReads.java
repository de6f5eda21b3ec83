package dev.kapi.apiserver.storage.cacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

/** Checks for suites run through a {@link Cacher}: it primed, and it answered consistent reads from memory. */
public final class CachedReads {

    private CachedReads() {
    }

    public static void awaitReady(Cacher cacher) {
        await().atMost(Duration.ofSeconds(30)).until(() -> cacher.stats().ready());
    }

    /** Most consistent reads came from memory (a cache that always fell back would pass by passing through). */
    public static void assertConsistentReadsFromMemory(Cacher cacher) {
        CacheStats stats = cacher.stats();
        assertThat(stats.consistentReadsFromCache()).as("consistent reads from memory: " + stats)
                .isGreaterThan(stats.consistentReadsFallback());
    }
}
