package dev.kapi.apiserver.storage.cacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.storage.LinearizableReadTests;
import dev.kapi.apiserver.storage.Storage;
import java.time.Duration;

/**
 * The linearizable-read suite through a {@link Cacher} in front of each backend: the cache primed before the
 * race, and afterwards most consistent reads came from memory (a cache that always fell back would pass by
 * passing through).
 */
public abstract class CachedLinearizableReadTests extends LinearizableReadTests {

    @Override
    protected Storage decorate(Storage backend, String prefix) {
        return new Cacher(backend, prefix, CacherOptions.DEFAULTS);
    }

    @Override
    protected void awaitReady(Storage decorated) {
        Cacher cacher = (Cacher) decorated;
        await().atMost(Duration.ofSeconds(30)).until(() -> cacher.stats().ready());
    }

    @Override
    protected void assertServedItself(Storage decorated) {
        CacheStats stats = ((Cacher) decorated).stats();
        assertThat(stats.consistentReadsFromCache()).as("consistent reads from memory: " + stats)
                .isGreaterThan(stats.consistentReadsFallback());
    }
}
