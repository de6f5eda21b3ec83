package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.controllers.GarbageCollectorGraph.Identity;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the garbage collector's graph queues as objects come, change and go (kube's GraphBuilder): an owner
 * seen only in a reference is checked, the dependents of a gone owner are looked at, an owner starting a
 * foreground deletion has its dependents looked at and itself again when a blocking dependent goes or stops
 * blocking, an owner starting an orphaning deletion is orphaned, and a reference across namespaces is reported
 * once.
 */
class GarbageCollectorGraphTest {

    private final List<String> deletes = new ArrayList<>();
    private final List<String> orphans = new ArrayList<>();
    private final List<String> invalid = new ArrayList<>();
    private final GarbageCollectorGraph graph = new GarbageCollectorGraph(deletes::add, orphans::add,
            (dependent, owner) -> invalid.add(dependent.name() + "->" + owner.getName()));

    private static final Identity OWNER = new Identity("apps/v1", "Deployment", "ns", "web", "u-owner");
    private static final Identity RS = new Identity("apps/v1", "ReplicaSet", "ns", "web-1", "u-rs");

    private static OwnerReference ref(Identity owner, boolean block) {
        return new OwnerReferenceBuilder().withApiVersion(owner.apiVersion()).withKind(owner.kind())
                .withName(owner.name()).withUid(owner.uid()).withBlockOwnerDeletion(block).build();
    }

    private static ObjectMeta meta(List<OwnerReference> owners, boolean deleting, String... finalizers) {
        return new ObjectMetaBuilder().withOwnerReferences(owners).withFinalizers(finalizers)
                .withDeletionTimestamp(deleting ? "2026-01-01T00:00:00Z" : null).build();
    }

    @Test
    void anOwnerKnownOnlyFromAReferenceIsCheckedAndItsRemovalSendsItsDependentsToBeLookedAt() {
        graph.observe(RS, meta(List.of(ref(OWNER, true)), false));
        assertThat(deletes).containsExactly("u-owner");
        assertThat(graph.view("u-owner").virtual()).isTrue();
        assertThat(graph.view("u-owner").identity().namespace()).isEqualTo("ns");

        deletes.clear();
        graph.remove("u-owner");
        assertThat(deletes).containsExactly("u-rs");
        assertThat(graph.view("u-owner")).isNull();
    }

    @Test
    void aForegroundDeletionLooksAtTheDependentsThenAtTheOwnerWhenABlockingOneGoesOrStopsBlocking() {
        graph.observe(OWNER, meta(List.of(), false));
        graph.observe(RS, meta(List.of(ref(OWNER, true)), false));
        Identity other = new Identity("v1", "Pod", "ns", "p", "u-pod");
        graph.observe(other, meta(List.of(ref(OWNER, false)), false));
        assertThat(graph.view("u-owner").blocking()).extracting(d -> d.identity().uid()).containsExactly("u-rs");
        deletes.clear();

        graph.observe(OWNER, meta(List.of(), true, "foregroundDeletion"));
        assertThat(deletes).containsExactlyInAnyOrder("u-rs", "u-pod", "u-owner");
        assertThat(orphans).isEmpty();

        deletes.clear();
        graph.observe(OWNER, meta(List.of(), true, "foregroundDeletion"));
        assertThat(deletes).as("an update that changes nothing queues nothing").isEmpty();

        graph.observe(RS, meta(List.of(ref(OWNER, false)), false));
        assertThat(deletes).containsExactly("u-owner");
        deletes.clear();
        graph.remove("u-pod");
        assertThat(deletes).containsExactly("u-owner");
    }

    @Test
    void anOrphaningDeletionIsQueuedOnce() {
        graph.observe(OWNER, meta(List.of(), false));
        graph.observe(OWNER, meta(List.of(), true, "orphan"));
        graph.observe(OWNER, meta(List.of(), true, "orphan", "example.com/x"));
        assertThat(orphans).containsExactly("u-owner");
    }

    @Test
    void aReferenceToAnOwnerSeenInAnotherNamespaceIsReportedOnceAndItsDependentLookedAt() {
        Identity elsewhere = new Identity("v1", "ConfigMap", "other", "cm", "u-cm");
        graph.observe(elsewhere, meta(List.of(), false));
        Identity dependent = new Identity("v1", "Secret", "ns", "s", "u-s");
        graph.observe(dependent, meta(List.of(ref(elsewhere, false)), false));
        graph.observe(dependent, meta(List.of(ref(elsewhere, false)), false));
        assertThat(invalid).containsExactly("s->cm");
        assertThat(deletes).contains("u-s");

        Identity clusterOwner = new Identity("rbac.authorization.k8s.io/v1", "ClusterRole", "", "r", "u-r");
        graph.observe(clusterOwner, meta(List.of(), false));
        deletes.clear();
        graph.observe(new Identity("v1", "Secret", "ns", "t", "u-t"), meta(List.of(ref(clusterOwner, true)), false));
        assertThat(invalid).as("a cluster-scoped owner may own namespaced objects").hasSize(1);
        assertThat(deletes).isEmpty();
    }
}
