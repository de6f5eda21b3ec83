package dev.kapi.apiserver.registry.rest;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.testing.BackendRegistries;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Preconditions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A delete's propagation through the generic store, on etcd and on the embedded store (kube's
 * {@code deletionFinalizersForGarbageCollection}): Orphan and Foreground leave the object marked with the
 * garbage collector's {@code orphan} or {@code foregroundDeletion} finalizer, Background (and the legacy
 * {@code orphanDependents=false}) deletes it at once; without either, the resource's default decides (batch/v1
 * jobs and v1 replicationcontrollers orphan, everything else is deleted). A second delete of an object being
 * deleted may change its GC finalizers, and deletes it when nothing else holds it.
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeletePropagationTest {

    private static final String NS = "gc";
    private static final String JOB = """
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"%s"},"spec":{"template":{"spec":{
            "restartPolicy":"Never","containers":[{"name":"c","image":"busybox"}]}}}}""";
    private static final String DEPLOYMENT = """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%s"},"spec":{"selector":{"matchLabels":
            {"app":"a"}},"template":{"metadata":{"labels":{"app":"a"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}""";
    private static final String RC = """
            {"apiVersion":"v1","kind":"ReplicationController","metadata":{"name":"%s"},"spec":{"selector":{"app":"a"},
            "template":{"metadata":{"labels":{"app":"a"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}""";
    private static final String CONFIGMAP = """
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"%s"}}""";
    private static final String EVENT = """
            {"apiVersion":"v1","kind":"Event","metadata":{"name":"%s"},"involvedObject":{"kind":"Pod","name":"p",
            "namespace":"gc"},"reason":"Started","message":"m","type":"Normal","source":{"component":"c"}}""";
    private static final Map<String, String> SAMPLES = Map.of("jobs", JOB, "deployments", DEPLOYMENT,
            "replicationcontrollers", RC, "configmaps", CONFIGMAP, "events", EVENT);

    @TempDir
    static Path dir;

    private BackendRegistries backends;

    @BeforeAll
    void open() {
        backends = BackendRegistries.open(dir, "gc.db");
    }

    @AfterAll
    void close() {
        backends.close();
    }

    Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (String backend : List.of("etcd", "sqlite")) {
            // resource, propagationPolicy, orphanDependents, deleted at once, finalizers left
            all.add(Arguments.of(backend, "configmaps", null, null, true, List.of()));
            all.add(Arguments.of(backend, "configmaps", "Orphan", null, false, List.of("orphan")));
            all.add(Arguments.of(backend, "configmaps", "Foreground", null, false, List.of("foregroundDeletion")));
            all.add(Arguments.of(backend, "configmaps", "Background", null, true, List.of()));
            all.add(Arguments.of(backend, "configmaps", null, true, false, List.of("orphan")));
            all.add(Arguments.of(backend, "configmaps", null, false, true, List.of()));
            all.add(Arguments.of(backend, "deployments", null, null, true, List.of()));
            all.add(Arguments.of(backend, "deployments", "Foreground", null, false, List.of("foregroundDeletion")));
            all.add(Arguments.of(backend, "jobs", null, null, false, List.of("orphan")));
            all.add(Arguments.of(backend, "jobs", "Background", null, true, List.of()));
            all.add(Arguments.of(backend, "jobs", null, false, true, List.of()));
            all.add(Arguments.of(backend, "replicationcontrollers", null, null, false, List.of("orphan")));
            all.add(Arguments.of(backend, "replicationcontrollers", "Background", null, true, List.of()));
            // Events take no part in garbage collection: nothing would ever remove a GC finalizer from one
            all.add(Arguments.of(backend, "events", "Foreground", null, true, List.of()));
            all.add(Arguments.of(backend, "events", "Orphan", null, true, List.of()));
            all.add(Arguments.of(backend, "events", null, true, true, List.of()));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} policy={2} orphanDependents={3}")
    @MethodSource("cases")
    void aDeleteGivesTheFinalizersItsPropagationAsks(String backend, String resource, String policy, Boolean orphan,
                                                     boolean deleted, List<String> finalizers) {
        Store<HasMetadata> store = store(backend, resource);
        String name = name();
        create(store, resource, name, List.of());
        DeleteOptions options = OperationOptions.delete();
        options.setPropagationPolicy(policy);
        options.setOrphanDependents(orphan);

        Store.DeleteResult<HasMetadata> result = delete(store, name, options);

        assertThat(result.deleted()).isEqualTo(deleted);
        if (deleted) {
            assertGone(store, name);
            return;
        }
        HasMetadata stored = store.get(NS, name);
        assertThat(stored.getMetadata().getFinalizers()).isEqualTo(finalizers);
        assertThat(stored.getMetadata().getDeletionTimestamp()).isNotNull();
        assertThat(stored.getMetadata().getDeletionGracePeriodSeconds()).isZero();
        assertThat(result.object().getMetadata().getResourceVersion())
                .isEqualTo(stored.getMetadata().getResourceVersion());
    }

    @ParameterizedTest
    @ValueSource(strings = {"etcd", "sqlite"})
    void aSecondDeleteOfAnObjectBeingDeletedChangesItsGcFinalizers(String backend) {
        Store<HasMetadata> store = store(backend, "configmaps");
        String name = name();
        create(store, "configmaps", name, List.of("example.com/hold"));
        delete(store, name, policy("Orphan"));
        assertThat(store.get(NS, name).getMetadata().getFinalizers()).containsExactly("example.com/hold", "orphan");
        String since = store.get(NS, name).getMetadata().getDeletionTimestamp();

        assertThat(delete(store, name, policy("Foreground")).deleted()).isFalse();
        HasMetadata again = store.get(NS, name);
        assertThat(again.getMetadata().getFinalizers()).containsExactly("example.com/hold", "foregroundDeletion");
        assertThat(again.getMetadata().getDeletionTimestamp()).isEqualTo(since);

        assertThat(delete(store, name, policy("Background")).deleted()).isFalse();
        assertThat(store.get(NS, name).getMetadata().getFinalizers()).containsExactly("example.com/hold");
    }

    @ParameterizedTest
    @ValueSource(strings = {"etcd", "sqlite"})
    void aBackgroundDeleteOfAnObjectOnlyTheGcHoldsDeletesIt(String backend) {
        Store<HasMetadata> store = store(backend, "jobs");
        String name = name();
        create(store, "jobs", name, List.of());
        assertThat(delete(store, name, OperationOptions.delete()).deleted()).isFalse();
        assertThat(store.get(NS, name).getMetadata().getFinalizers()).containsExactly("orphan");
        // a delete naming no policy keeps the orphan finalizer the object has: nothing changes
        String rv = store.get(NS, name).getMetadata().getResourceVersion();
        assertThat(delete(store, name, OperationOptions.delete()).deleted()).isFalse();
        assertThat(store.get(NS, name).getMetadata().getResourceVersion()).isEqualTo(rv);

        assertThat(delete(store, name, policy("Background")).deleted()).isTrue();
        assertGone(store, name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"etcd", "sqlite"})
    void removingTheLastGcFinalizerOfAnObjectBeingDeletedDeletesIt(String backend) {
        Store<HasMetadata> store = store(backend, "configmaps");
        String name = name();
        create(store, "configmaps", name, List.of());
        delete(store, name, policy("Foreground"));
        Writes.update(store, NS, name, obj -> {
            obj.getMetadata().setFinalizers(List.of());
            return obj;
        });
        assertGone(store, name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"etcd", "sqlite"})
    void aDryRunMarksNothingAndAUidPreconditionProtectsANewObjectOfTheName(String backend) {
        Store<HasMetadata> store = store(backend, "configmaps");
        String name = name();
        HasMetadata created = create(store, "configmaps", name, List.of());
        DeleteOptions dry = OperationOptions.delete(policy("Orphan"), true);
        Store.DeleteResult<HasMetadata> result = delete(store, name, dry);
        assertThat(result.deleted()).isFalse();
        assertThat(result.object().getMetadata().getFinalizers()).containsExactly("orphan");
        assertThat(store.get(NS, name).getMetadata().getFinalizers()).isNullOrEmpty();
        assertThat(store.get(NS, name).getMetadata().getResourceVersion())
                .isEqualTo(created.getMetadata().getResourceVersion());

        DeleteOptions other = policy("Foreground");
        Preconditions p = new Preconditions();
        p.setUid(UUID.randomUUID().toString());
        other.setPreconditions(p);
        assertThatThrownBy(() -> delete(store, name, other)).isInstanceOfSatisfying(StatusError.class,
                e -> assertThat(e.code()).isEqualTo(409));
        assertThat(store.get(NS, name).getMetadata().getDeletionTimestamp()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"etcd", "sqlite"})
    void aCollectionDeleteGivesEachObjectTheFinalizersItsPropagationAsks(String backend) {
        Store<HasMetadata> store = store(backend, "jobs");
        String ns = "gc-" + UUID.randomUUID().toString().substring(0, 8);
        for (String name : List.of("a", "b")) {
            HasMetadata obj = Json.MAPPER.readValue(JOB.formatted(name), store.definition().type());
            Writes.create(store, ns, obj);
        }
        List<HasMetadata> marked = Writes.PIPELINE.deleteCollection(WriteScope.of(store, ns, Writes.ADMIN),
                dev.kapi.apiserver.registry.ListParams.all(), OperationOptions.delete(policy("Foreground"), false));
        assertThat(marked).hasSize(2).allSatisfy(o -> assertThat(o.getMetadata().getFinalizers())
                .containsExactly("foregroundDeletion"));
        assertThat(store.list(ns, dev.kapi.apiserver.registry.ListParams.all()).items())
                .allSatisfy(o -> assertThat(o.getMetadata().getDeletionTimestamp()).isNotNull()).hasSize(2);

        Writes.PIPELINE.deleteCollection(WriteScope.of(store, ns, Writes.ADMIN),
                dev.kapi.apiserver.registry.ListParams.all(), OperationOptions.delete(policy("Background"), false));
        assertThat(store.list(ns, dev.kapi.apiserver.registry.ListParams.all()).items()).isEmpty();
    }

    private static DeleteOptions policy(String policy) {
        return OperationOptions.delete(policy);
    }

    private Store<HasMetadata> store(String backend, String resource) {
        String group = switch (resource) {
            case "jobs" -> "batch";
            case "deployments" -> "apps";
            default -> "";
        };
        return backends.get(backend).lookup(group, "v1", resource).orElseThrow().store();
    }

    private static HasMetadata create(Store<HasMetadata> store, String resource, String name, List<String> finalizers) {
        HasMetadata obj = Json.MAPPER.readValue(SAMPLES.get(resource).formatted(name), store.definition().type());
        obj.getMetadata().setFinalizers(new ArrayList<>(finalizers));
        return Writes.create(store, NS, obj);
    }

    private static Store.DeleteResult<HasMetadata> delete(Store<HasMetadata> store, String name, DeleteOptions o) {
        return Writes.PIPELINE.delete(WriteScope.of(store, NS, Writes.ADMIN), name, o);
    }

    private static void assertGone(Store<HasMetadata> store, String name) {
        assertThatThrownBy(() -> store.get(NS, name)).isInstanceOfSatisfying(StatusError.class,
                e -> assertThat(e.code()).isEqualTo(404));
    }

    private static String name() {
        return "o-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
