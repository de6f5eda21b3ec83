package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.admission.NamespaceLifecycle.Phase;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.storage.ForwardingStorage;
import dev.kapi.apiserver.storage.GetOptions;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ReadRevision;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * NamespaceExistence against real storage: a namespace found (active or terminating) is trusted for a second,
 * a missing one never; a namespace is read with resourceVersion "0" (the watch cache's copy) and consistently
 * only when that does not find it or after a delete through this server.
 */
@ExtendWith(EtcdExtension.class)
class NamespaceExistenceTest {

    private final Storage storage = EtcdStorage.connect(EtcdExtension.endpoints());
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @AfterEach
    void close() {
        storage.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aFoundNamespaceIsTrustedForASecondAndAMissingOneIsAlwaysReadAgain() {
        String prefix = EtcdExtension.randomPrefix();
        StoreRegistry stores = TestStores.of(storage, prefix);
        Store<Namespace> namespaces = stores.store((ResourceDefinition<Namespace>) stores.resources()
                .find("", "v1", "namespaces").orElseThrow());
        NamespaceExistence existence = new NamespaceExistence(namespaces, now::get);

        assertThat(existence.phase("team-a")).isEqualTo(Phase.MISSING);
        Writes.create(namespaces, null, new NamespaceBuilder().withNewMetadata().withName("team-a").endMetadata()
                .build());
        assertThat(existence.phase("team-a")).as("a missing namespace is not remembered").isEqualTo(Phase.ACTIVE);

        Writes.delete(namespaces, null, "team-a");
        now.addAndGet(NamespaceExistence.TRUST_NANOS - 1);
        assertThat(existence.phase("team-a")).as("still trusted within the second").isEqualTo(Phase.ACTIVE);
        now.addAndGet(1);
        assertThat(existence.phase("team-a")).as("read again after the second").isEqualTo(Phase.TERMINATING);

        Writes.create(namespaces, null, new NamespaceBuilder().withNewMetadata().withName("team-b").endMetadata()
                .build());
        assertThat(existence.phase("team-b")).isEqualTo(Phase.ACTIVE);
        existence.deleting("team-b");
        Writes.delete(namespaces, null, "team-b");
        assertThat(existence.phase("team-b")).as("read live after a delete through this server")
                .isEqualTo(Phase.TERMINATING);

        Writes.update(namespaces, null, "team-a", "finalize", ns -> {
            ns.getSpec().setFinalizers(List.of());
            return ns;
        });
        assertThat(existence.phase("team-a")).as("a terminating namespace is trusted too").isEqualTo(Phase.TERMINATING);
        now.addAndGet(NamespaceExistence.TRUST_NANOS);
        assertThat(existence.phase("team-a")).as("gone once finalized").isEqualTo(Phase.MISSING);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aNamespaceIsReadFromTheCacheAndConsistentlyOnlyWhenTheCacheLacksIt() {
        List<String> reads = new CopyOnWriteArrayList<>();
        Storage recording = new ForwardingStorage(storage) {
            @Override
            public KeyValue get(String key, GetOptions options) {
                reads.add(key.substring(key.lastIndexOf('/') + 1) + "@" + options.at().match());
                return super.get(key, options);
            }
        };
        StoreRegistry stores = TestStores.of(recording, EtcdExtension.randomPrefix());
        Store<Namespace> namespaces = stores.store((ResourceDefinition<Namespace>) stores.resources()
                .find("", "v1", "namespaces").orElseThrow());
        NamespaceExistence existence = new NamespaceExistence(namespaces, now::get);
        Writes.create(namespaces, null, new NamespaceBuilder().withNewMetadata().withName("team-c").endMetadata()
                .build());

        reads.clear();
        assertThat(existence.phase("team-c")).isEqualTo(Phase.ACTIVE);
        assertThat(existence.phase("team-d")).isEqualTo(Phase.MISSING);
        assertThat(reads).containsExactly("team-c@" + ReadRevision.Match.ANY, "team-d@" + ReadRevision.Match.ANY,
                "team-d@" + ReadRevision.Match.MOST_RECENT);
        existence.deleting("team-c");
        Writes.delete(namespaces, null, "team-c");
        reads.clear();
        assertThat(existence.phase("team-c")).isEqualTo(Phase.TERMINATING);
        assertThat(reads).as("read live after a delete through this server")
                .containsExactly("team-c@" + ReadRevision.Match.MOST_RECENT);
    }
}
