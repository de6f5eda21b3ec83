package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.kapi.apiserver.registry.ResourceRegistryTest.GROUP;
import static dev.kapi.apiserver.registry.ResourceRegistryTest.builtIns;
import static dev.kapi.apiserver.registry.ResourceRegistryTest.run;
import static dev.kapi.apiserver.registry.ResourceRegistryTest.widgets;
import static org.assertj.core.api.Assertions.assertThat;

/** The stores follow the registry: a definition always comes with its store, a store no longer served ends its watches. */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoreRegistryTest {

    Storage storage;
    String prefix;

    @BeforeAll
    void connect() {
        storage = EtcdStorage.connect(EtcdExtension.endpoints());
        prefix = EtcdExtension.randomPrefix();
    }

    @AfterAll
    void close() {
        storage.close();
    }

    /** The dispatcher's lookup never answers a definition without its store, whatever writers do meanwhile. */
    @Test
    void lookupsRacingWritersAlwaysPairADefinitionWithItsStore() throws Exception {
        ResourceRegistry registry = builtIns();
        StoreRegistry stores = new StoreRegistry(registry, storage, prefix);
        Store<?> configMaps = stores.store(registry.find("", "v1", "configmaps").orElseThrow());
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger found = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        Thread writer = Thread.ofPlatform().start(() -> run(failures, start, () -> {
            for (int i = 0; i < 2000; i++) {
                registry.register(widgets("v1", "widgets"));
                registry.replace(widgets("v1", "widgets"));
                registry.unregister(GROUP, "v1", "widgets");
            }
        }));
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            readers.add(Thread.ofPlatform().start(() -> run(failures, start, () -> {
                while (writing.get()) {
                    stores.lookup(GROUP, "v1", "widgets").ifPresent(served -> {
                        assertThat(served.store()).isNotNull();
                        assertThat(served.store().definition()).isSameAs(served.definition());
                        found.incrementAndGet();
                    });
                    Store<HasMetadata> cm = stores.lookup("", "v1", "configmaps").orElseThrow().store();
                    assertThat(cm).isSameAs(configMaps); // a store outlives changes to other resources
                    assertThat(stores.namespacedStores()).doesNotContainNull();
                }
            })));
        }
        start.countDown();
        writer.join();
        writing.set(false);
        for (Thread t : readers) {
            t.join();
        }

        assertThat(failures).isEmpty();
        assertThat(found.get()).isPositive();
        assertThat(stores.lookup(GROUP, "v1", "widgets")).isEmpty();
        ResourceDefinition<Secret> secrets = ResourceDefinition.builder("", "v1", "secrets", "Secret", Secret.class).build();
        registry.register(secrets);
        assertThat(stores.find("", "v1", "secrets", Secret.class))
                .hasValueSatisfying(s -> assertThat(s.definition()).isSameAs(secrets));
        assertThat(stores.namespacedStores()).hasSize(2);
        assertThat(stores.store(widgets("v1", "widgets"))).as("a definition not served has no store").isNull();
    }

    @Test
    void unregisteringEndsTheResourcesWatchesAndOnlyThose() throws Exception {
        ResourceRegistry registry = builtIns();
        StoreRegistry stores = new StoreRegistry(registry, storage, prefix);
        registry.register(widgets("v1", "widgets"));
        StoreRegistry.Served<HasMetadata> served = stores.lookup(GROUP, "v1", "widgets").orElseThrow();
        StoreWatch<HasMetadata> widgetWatch = served.store().watcher().open("default", fromNow());
        StoreWatch<HasMetadata> configMapWatch = stores.lookup("", "v1", "configmaps").orElseThrow().store()
                .watcher().open("default", fromNow());
        assertThat(widgetWatch.isClosed()).isFalse();

        registry.unregister(GROUP, "v1", "widgets");

        assertThat(widgetWatch.isClosed()).as("ended by the change itself, before any lookup").isTrue();
        assertThat(configMapWatch.isClosed()).isFalse();
        // a request dispatched before the change that opens its watch only now gets a watch that has ended
        StoreWatch<HasMetadata> late = served.store().watcher().open("default", fromNow());
        assertThat(late.isClosed()).isTrue();
        configMapWatch.close();
    }

    @Test
    void replacingADefinitionEndsTheOldStoresWatchesAndServesANewStore() throws Exception {
        ResourceRegistry registry = builtIns();
        StoreRegistry stores = new StoreRegistry(registry, storage, prefix);
        registry.register(widgets("v1", "widgets"));
        Store<HasMetadata> old = stores.lookup(GROUP, "v1", "widgets").orElseThrow().store();
        StoreWatch<HasMetadata> watch = old.watcher().open("default", fromNow());

        registry.replace(widgets("v1", "widgets"));

        assertThat(watch.isClosed()).isTrue();
        Store<HasMetadata> replaced = stores.lookup(GROUP, "v1", "widgets").orElseThrow().store();
        assertThat(replaced).isNotSameAs(old);
        ConfigMap cm = new ConfigMap();
        cm.setMetadata(new ObjectMeta());
        cm.getMetadata().setName("w1");
        try (StoreWatch<HasMetadata> fresh = replaced.watcher().open("default", fromNow())) {
            Writes.create(replaced, "default", cm);
            List<ApiWatchEvent> events = new ArrayList<>();
            for (int i = 0; i < 50 && events.isEmpty(); i++) {
                events.addAll(fresh.poll(100));
            }
            assertThat(events).extracting(ApiWatchEvent::type).containsExactly("ADDED");
        }
    }

    private static WatchParams<HasMetadata> fromNow() {
        return new WatchParams<>(null, "", "", false, null);
    }
}
