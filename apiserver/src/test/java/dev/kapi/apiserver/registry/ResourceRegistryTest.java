package dev.kapi.apiserver.registry;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The run-time registry: changes, generations, listeners, and readers racing writers. */
class ResourceRegistryTest {

    static final String GROUP = "widgets.example.com";

    static ResourceDefinition<ConfigMap> widgets(String version, String resource) {
        return ResourceDefinition.builder(GROUP, version, resource, "Widget", ConfigMap.class).build();
    }

    static ResourceRegistry builtIns() {
        return new ResourceRegistry(List.of(
                ResourceDefinition.builder("", "v1", "namespaces", "Namespace", Namespace.class).clusterScoped().build(),
                ResourceDefinition.builder("", "v1", "configmaps", "ConfigMap", ConfigMap.class).build()));
    }

    @Test
    void registerServesTheResourceFromTheNextGenerationOn() {
        ResourceRegistry registry = builtIns();
        ResourceRegistry.Snapshot before = registry.snapshot();
        ResourceDefinition<ConfigMap> w = widgets("v1", "widgets");

        long generation = registry.register(w);

        assertThat(before.generation()).isEqualTo(1);
        assertThat(generation).isEqualTo(2).isEqualTo(registry.generation());
        assertThat(registry.find(GROUP, "v1", "widgets")).containsSame(w);
        assertThat(registry.findByKind(GROUP, "Widget")).containsSame(w);
        assertThat(registry.all()).extracting(ResourceDefinition::resource)
                .containsExactly("namespaces", "configmaps", "widgets");
        assertThat(registry.groupVersions()).containsExactly("v1", GROUP + "/v1");
        // a snapshot taken before never changes
        assertThat(before.find(GROUP, "v1", "widgets")).isEmpty();
        assertThat(before.all()).hasSize(2);
    }

    @Test
    void aPathIsServedOnceAndAFailedRegistrationChangesNothing() {
        ResourceRegistry registry = builtIns();
        registry.register(widgets("v1", "widgets"));
        long generation = registry.generation();

        assertThatThrownBy(() -> registry.register(widgets("v1", "widgets")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("resource defined twice: " + GROUP + "/v1/widgets");
        assertThatThrownBy(() -> new ResourceRegistry(List.of(widgets("v1", "widgets"), widgets("v1", "widgets"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(registry.generation()).isEqualTo(generation);
    }

    @Test
    void replaceKeepsThePlaceAndUnregisterRemoves() {
        ResourceRegistry registry = builtIns();
        registry.register(widgets("v1", "widgets"));
        registry.register(ResourceDefinition.builder(GROUP, "v1", "gadgets", "Gadget", ConfigMap.class).build());
        ResourceDefinition<ConfigMap> changed = ResourceDefinition.builder(GROUP, "v1", "widgets", "Widget",
                ConfigMap.class).shortNames("wd").build();

        assertThat(registry.replace(changed)).isEqualTo(4);
        assertThat(registry.all()).extracting(ResourceDefinition::resource)
                .containsExactly("namespaces", "configmaps", "widgets", "gadgets");
        assertThat(registry.find(GROUP, "v1", "widgets")).containsSame(changed);

        assertThat(registry.unregister(GROUP, "v1", "widgets")).containsSame(changed);
        assertThat(registry.generation()).isEqualTo(5);
        assertThat(registry.find(GROUP, "v1", "widgets")).isEmpty();
        assertThat(registry.findByKind(GROUP, "Widget")).isEmpty();
        // unregistering what is not served is no change
        assertThat(registry.unregister(GROUP, "v1", "widgets")).isEmpty();
        assertThat(registry.generation()).isEqualTo(5);
    }

    @Test
    void listenersHearEachChangeAfterReadersSeeIt() {
        ResourceRegistry registry = builtIns();
        List<String> heard = new ArrayList<>();
        registry.addListener((before, after) -> {
            heard.add(before.generation() + "->" + after.generation());
            assertThat(registry.snapshot()).isSameAs(after);
        });
        Runnable remove = registry.addListener((before, after) -> {
            throw new IllegalStateException("a failing listener is logged, the change stands");
        });
        registry.addListener((before, after) -> assertThatThrownBy(() -> registry.register(widgets("v2", "widgets")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a registry listener may not change the registry"));

        registry.register(widgets("v1", "widgets"));
        remove.run();
        registry.unregister("nothing", "v1", "here");
        registry.unregister(GROUP, "v1", "widgets");

        assertThat(heard).containsExactly("1->2", "2->3");
        assertThat(registry.find(GROUP, "v2", "widgets")).isEmpty();
    }

    /**
     * Writers register and unregister their own resources while readers take snapshots: every snapshot is
     * whole (its lookups agree with its list), a reader never sees the generation go back, listeners hear
     * every generation once and in order, and the end state is exactly what the writers left.
     */
    @Test
    void readersRacingWritersSeeWholeSnapshotsInOrder() throws Exception {
        ResourceRegistry registry = builtIns();
        int writers = 4;
        int rounds = 300;
        List<Long> heard = new ArrayList<>();
        registry.addListener((before, after) -> {
            assertThat(after.generation()).isEqualTo(before.generation() + 1);
            heard.add(after.generation());
        });
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger snapshotsRead = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            String resource = "widgets" + w;
            threads.add(Thread.ofPlatform().start(() -> run(failures, start, () -> {
                for (int i = 0; i < rounds; i++) {
                    registry.register(widgets("v1", resource));
                    registry.replace(widgets("v1", resource));
                    assertThat(registry.unregister(GROUP, "v1", resource)).isPresent();
                }
                registry.register(widgets("v1", resource)); // each writer leaves its resource served
            })));
        }
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            readers.add(Thread.ofPlatform().start(() -> run(failures, start, () -> {
                long last = 0;
                do { // at least one snapshot each, even when the writers finished before this reader ran
                    ResourceRegistry.Snapshot s = registry.snapshot();
                    assertThat(s.generation()).isGreaterThanOrEqualTo(last);
                    last = s.generation();
                    for (ResourceDefinition<?> d : s.all()) {
                        assertThat(s.find(d.group(), d.version(), d.resource())).containsSame(d);
                    }
                    for (int w = 0; w < writers; w++) {
                        String resource = "widgets" + w;
                        Optional<ResourceDefinition<?>> found = s.find(GROUP, "v1", resource);
                        assertThat(found.isPresent())
                                .isEqualTo(s.all().stream().anyMatch(d -> d.resource().equals(resource)));
                    }
                    snapshotsRead.incrementAndGet();
                } while (writing.get());
            })));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        writing.set(false);
        for (Thread t : readers) {
            t.join();
        }

        assertThat(failures).isEmpty();
        long changes = (long) writers * (rounds * 3 + 1);
        assertThat(registry.generation()).isEqualTo(1 + changes);
        assertThat(heard).hasSize((int) changes);
        for (int i = 0; i < heard.size(); i++) {
            assertThat(heard.get(i)).isEqualTo(i + 2);
        }
        assertThat(registry.all()).extracting(ResourceDefinition::resource)
                .containsExactlyInAnyOrder("namespaces", "configmaps", "widgets0", "widgets1", "widgets2", "widgets3");
        assertThat(snapshotsRead.get()).isPositive();
    }

    static void run(ConcurrentLinkedQueue<Throwable> failures, CountDownLatch start, Runnable body) {
        try {
            start.await();
            body.run();
        } catch (Throwable t) {
            failures.add(t);
        }
    }
}
