package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.apiextensions.CrdConditions;
import dev.kapi.apiserver.registry.apiextensions.CrdStrategy;
import dev.kapi.apiserver.registry.apiextensions.CustomResources;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.WriteScope;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.storage.sqlite.SqliteStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The garbage collector on etcd and on the embedded store, with real stores and informers: dependents go
 * after their owner (Background), before it (Foreground, held by a blocking dependent), stay without the
 * reference (Orphan, and batch/v1 jobs by default); references are matched by uid, so an owner's namesake is
 * never taken for it; cluster-scoped owners may own namespaced objects, a namespaced owner referenced from
 * another namespace is absent, one referenced from a cluster-scoped object keeps it (both reported as kube's
 * {@code OwnerRefInvalidNamespace}); custom resources served after the start are followed too.
 */
@ExtendWith(EtcdExtension.class)
class GarbageCollectorTest {

    private static final String NS = "gc";
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    private Storage storage;
    private StoreRegistry stores;
    private GarbageCollector gc;

    private void start(String backend) {
        String prefix = backend.equals("etcd") ? EtcdExtension.randomPrefix() : "/registry";
        storage = backend.equals("etcd") ? EtcdStorage.connect(EtcdExtension.endpoints())
                : SqliteStorage.open(dir.resolve("gc.db"));
        stores = TestStores.of(storage, prefix);
        gc = new GarbageCollector(stores, Writes.PIPELINE);
        gc.monitors().start();
        gc.start();
    }

    @AfterEach
    void close() {
        if (gc != null) {
            gc.stop();
            gc.monitors().close();
        }
        if (storage != null) {
            storage.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"etcd", "sqlite"})
    void backgroundDeletesTheDependentsAfterTheOwner(String backend) {
        start(backend);
        HasMetadata deployment = create("deployments", NS, "web", List.of());
        HasMetadata rs = create("replicasets", NS, "web-1", List.of(ref(deployment, true)));
        HasMetadata pod = create("pods", NS, "web-1-a", List.of(ref(rs, true)));
        HasMetadata bystander = create("configmaps", NS, "kept", List.of());
        awaitSeen(deployment, rs);
        awaitSeen(rs, pod);

        delete("deployments", NS, "web", "Background");

        awaitGone("replicasets", NS, "web-1");
        awaitGone("pods", NS, "web-1-a");
        assertThat(exists("configmaps", NS, "kept")).isTrue();
        assertThat(pod.getMetadata().getUid()).isNotEqualTo(bystander.getMetadata().getUid());
    }

    @ParameterizedTest
    @ValueSource(strings = {"etcd", "sqlite"})
    void foregroundKeepsTheOwnerUntilItsBlockingDependentsAreGone(String backend) {
        start(backend);
        HasMetadata deployment = create("deployments", NS, "fg", List.of());
        HasMetadata rs = create("replicasets", NS, "fg-1", List.of(ref(deployment, true)));
        HasMetadata pod = create("pods", NS, "fg-1-a", List.of(ref(rs, true)), "example.com/hold");
        // as in kube, the graph decides that the replicaset has dependents of its own: it must have seen them
        awaitSeen(deployment, rs);
        awaitSeen(rs, pod);

        delete("deployments", NS, "fg", "Foreground");

        // the pod's own finalizer holds it, so it holds the replicaset (deleted in the foreground: it has
        // dependents), which holds the deployment
        await().atMost(WAIT).until(() -> deleting("pods", NS, "fg-1-a"));
        await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> exists("deployments", NS, "fg")
                && exists("replicasets", NS, "fg-1"));
        assertThat(get("deployments", NS, "fg").getMetadata().getFinalizers()).contains("foregroundDeletion");
        assertThat(get("replicasets", NS, "fg-1").getMetadata().getFinalizers()).contains("foregroundDeletion");

        Writes.update(store("pods"), NS, "fg-1-a", p -> {
            p.getMetadata().setFinalizers(List.of());
            return p;
        });
        awaitGone("replicasets", NS, "fg-1");
        awaitGone("deployments", NS, "fg");
    }

    @ParameterizedTest
    @ValueSource(strings = {"etcd", "sqlite"})
    void orphanRemovesTheReferencesThenTheOwnerGoes(String backend) {
        start(backend);
        HasMetadata deployment = create("deployments", NS, "or", List.of());
        HasMetadata other = create("configmaps", NS, "other-owner", List.of());
        HasMetadata rs = create("replicasets", NS, "or-1", List.of(ref(deployment, true), ref(other, false)));
        HasMetadata job = create("jobs", NS, "batch", List.of());
        HasMetadata pod = create("pods", NS, "batch-a", List.of(ref(job, true)));
        // as in kube, orphaning releases the dependents the graph has seen
        awaitSeen(deployment, rs);
        awaitSeen(job, pod);

        delete("deployments", NS, "or", "Orphan");
        delete("jobs", NS, "batch", null); // batch/v1 orphans by default

        awaitGone("deployments", NS, "or");
        awaitGone("jobs", NS, "batch");
        await().atMost(WAIT).until(() -> get("replicasets", NS, "or-1").getMetadata().getOwnerReferences().size() == 1);
        assertThat(get("replicasets", NS, "or-1").getMetadata().getOwnerReferences())
                .extracting(OwnerReference::getUid).containsExactly(other.getMetadata().getUid());
        await().atMost(WAIT).until(() -> get("pods", NS, "batch-a").getMetadata().getOwnerReferences().isEmpty());
        await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> exists("pods", NS, "batch-a"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"etcd", "sqlite"})
    void anOwnersNamesakeIsNeverTakenForIt(String backend) {
        start(backend);
        HasMetadata first = create("configmaps", NS, "owner", List.of());
        create("secrets", NS, "of-first", List.of(ref(first, true)));
        // the owner is deleted and its name taken again before the collector looks (both seen in one go)
        gc.stop();
        delete("configmaps", NS, "owner", "Background");
        HasMetadata second = create("configmaps", NS, "owner", List.of());
        create("secrets", NS, "of-second", List.of(ref(second, true)));
        create("secrets", NS, "never-had-one", List.of(ref(kindRef("v1", "ConfigMap", "ghost"), false)));
        gc = restart();

        awaitGone("secrets", NS, "of-first");
        awaitGone("secrets", NS, "never-had-one");
        await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> exists("secrets", NS, "of-second")
                && exists("configmaps", NS, "owner"));
        assertThat(get("configmaps", NS, "owner").getMetadata().getUid()).isEqualTo(second.getMetadata().getUid());
    }

    @ParameterizedTest
    @ValueSource(strings = {"etcd", "sqlite"})
    void scopesAsKube(String backend) {
        start(backend);
        HasMetadata clusterOwner = create("clusterroles", null, "gc-owner", List.of());
        create("configmaps", NS, "of-cluster-owner", List.of(ref(clusterOwner, true)));
        HasMetadata nsOwner = create("configmaps", "other", "ns-owner", List.of());
        // kube reports the invalid reference when the graph has seen the owner in its namespace
        await().atMost(WAIT).until(() -> gc.graph().view(nsOwner.getMetadata().getUid()) != null
                && !gc.graph().view(nsOwner.getMetadata().getUid()).virtual());
        create("secrets", NS, "cross-namespace", List.of(ref(nsOwner, false)));
        create("clusterroles", null, "cluster-dependent", List.of(ref(nsOwner, false)));

        awaitGone("secrets", NS, "cross-namespace");
        assertThat(exists("configmaps", "other", "ns-owner")).isTrue();
        await().atMost(WAIT).until(() -> events().stream().anyMatch(e -> e.getReason().equals("OwnerRefInvalidNamespace")
                && e.getInvolvedObject().getName().equals("cluster-dependent")));
        await().atMost(WAIT).until(() -> events().stream().anyMatch(e -> e.getInvolvedObject().getName()
                .equals("cross-namespace")));
        assertThat(events()).filteredOn(e -> e.getInvolvedObject().getName().equals("cross-namespace"))
                .extracting(Event::getMessage).first().asString()
                .isEqualTo("ownerRef [v1/ConfigMap, namespace: gc, name: ns-owner, uid: " + nsOwner.getMetadata().getUid()
                        + "] does not exist in namespace \"gc\"");
        assertThat(exists("configmaps", NS, "of-cluster-owner")).isTrue();

        delete("clusterroles", null, "gc-owner", "Background");
        awaitGone("configmaps", NS, "of-cluster-owner");
        assertThat(exists("clusterroles", null, "cluster-dependent")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"etcd", "sqlite"})
    void customResourcesServedAfterTheStartAreFollowed(String backend) {
        start(backend);
        List<ResourceDefinition<?>> widgets = CustomResources.definitionsOf(crd());
        widgets.forEach(d -> stores.resources().register(d));
        await().atMost(WAIT).until(() -> gc.monitors().monitored().stream()
                .anyMatch(gr -> gr.resource().equals("widgets")));
        HasMetadata owner = create("configmaps", NS, "widget-owner", List.of());
        Store<HasMetadata> widgetStore = stores.lookup("gc.kapi.dev", "v1", "widgets").orElseThrow().store();
        HasMetadata widget = Json.read(("{\"apiVersion\":\"gc.kapi.dev/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":"
                + "\"w\"},\"spec\":{\"size\":1}}").getBytes(StandardCharsets.UTF_8), widgetStore.definition().type());
        widget.getMetadata().setOwnerReferences(new ArrayList<>(List.of(ref(owner, true))));
        Writes.create(widgetStore, NS, widget);

        delete("configmaps", NS, "widget-owner", "Background");
        await().atMost(WAIT).until(() -> widgetStore.list(NS, ListParams.all()).items().isEmpty());
    }

    /** Waits until the collector's graph knows {@code dependent} as a dependent of {@code owner}. */
    private void awaitSeen(HasMetadata owner, HasMetadata dependent) {
        await().atMost(WAIT).until(() -> {
            GarbageCollectorGraph.View view = gc.graph().view(owner.getMetadata().getUid());
            return view != null && !view.virtual() && view.dependents().stream()
                    .anyMatch(d -> d.identity().uid().equals(dependent.getMetadata().getUid()));
        });
    }

    private GarbageCollector restart() {
        gc.monitors().close();
        GarbageCollector next = new GarbageCollector(stores, Writes.PIPELINE);
        next.monitors().start();
        next.start();
        return next;
    }

    private List<Event> events() {
        List<Event> all = new ArrayList<>(store("events").list(NS, ListParams.all()).items().stream()
                .map(Event.class::cast).toList());
        all.addAll(store("events").list("default", ListParams.all()).items().stream().map(Event.class::cast).toList());
        return all;
    }

    private static CustomResourceDefinition crd() {
        CustomResourceDefinition crd = Json.read("""
                {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
                 "metadata":{"name":"widgets.gc.kapi.dev"},
                 "spec":{"group":"gc.kapi.dev","scope":"Namespaced",
                   "names":{"plural":"widgets","singular":"widget","kind":"Widget","listKind":"WidgetList"},
                   "versions":[{"name":"v1","served":true,"storage":true,
                     "schema":{"openAPIV3Schema":{"type":"object","properties":{
                       "spec":{"type":"object","properties":{"size":{"type":"integer"}}}}}}}]}}
                """.getBytes(StandardCharsets.UTF_8), CustomResourceDefinition.class);
        new CrdStrategy().prepareForCreate(crd);
        crd.getStatus().setAcceptedNames(crd.getSpec().getNames());
        CrdConditions.set(crd, CrdConditions.of(CrdConditions.ESTABLISHED, "True", "InitialNamesAccepted", ""));
        return crd;
    }

    private static final java.util.Map<String, String> SAMPLES = java.util.Map.of(
            "deployments", """
                    {"apiVersion":"apps/v1","kind":"Deployment","spec":{"selector":{"matchLabels":{"app":"a"}},
                    "template":{"metadata":{"labels":{"app":"a"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}""",
            "replicasets", """
                    {"apiVersion":"apps/v1","kind":"ReplicaSet","spec":{"selector":{"matchLabels":{"app":"a"}},
                    "template":{"metadata":{"labels":{"app":"a"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}""",
            "pods", """
                    {"apiVersion":"v1","kind":"Pod","spec":{"containers":[{"name":"c","image":"i"}]}}""",
            "jobs", """
                    {"apiVersion":"batch/v1","kind":"Job","spec":{"template":{"spec":{"restartPolicy":"Never",
                    "containers":[{"name":"c","image":"i"}]}}}}""",
            "configmaps", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\"}",
            "secrets", "{\"apiVersion\":\"v1\",\"kind\":\"Secret\"}",
            "clusterroles", "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"ClusterRole\"}",
            "events", "{}");

    private Store<HasMetadata> store(String resource) {
        String group = switch (resource) {
            case "deployments", "replicasets" -> "apps";
            case "jobs" -> "batch";
            case "clusterroles" -> "rbac.authorization.k8s.io";
            default -> "";
        };
        return stores.lookup(group, "v1", resource).orElseThrow().store();
    }

    private HasMetadata create(String resource, String ns, String name, List<OwnerReference> owners,
                               String... finalizers) {
        Store<HasMetadata> store = store(resource);
        HasMetadata obj = Json.read(SAMPLES.get(resource).getBytes(StandardCharsets.UTF_8), store.definition().type());
        obj.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
        obj.getMetadata().setName(name);
        obj.getMetadata().setOwnerReferences(new ArrayList<>(owners));
        obj.getMetadata().setFinalizers(new ArrayList<>(List.of(finalizers)));
        return Writes.create(store, ns, obj);
    }

    private void delete(String resource, String ns, String name, String policy) {
        Writes.PIPELINE.delete(WriteScope.of(store(resource), ns, Writes.ADMIN), name,
                policy == null ? OperationOptions.delete() : OperationOptions.delete(policy));
    }

    private HasMetadata get(String resource, String ns, String name) {
        return store(resource).get(ns, name);
    }

    private boolean exists(String resource, String ns, String name) {
        try {
            get(resource, ns, name);
            return true;
        } catch (StatusError e) {
            if (e.code() == 404) {
                return false;
            }
            throw e;
        }
    }

    private boolean deleting(String resource, String ns, String name) {
        return exists(resource, ns, name) && get(resource, ns, name).getMetadata().getDeletionTimestamp() != null;
    }

    private void awaitGone(String resource, String ns, String name) {
        await().atMost(WAIT).until(() -> !exists(resource, ns, name));
    }

    private static OwnerReference ref(HasMetadata owner, boolean block) {
        OwnerReference r = new OwnerReference();
        r.setApiVersion(owner.getApiVersion());
        r.setKind(owner.getKind());
        r.setName(owner.getMetadata().getName());
        r.setUid(owner.getMetadata().getUid());
        r.setBlockOwnerDeletion(block);
        r.setController(block);
        return r;
    }

    private static HasMetadata kindRef(String apiVersion, String kind, String name) {
        io.fabric8.kubernetes.api.model.GenericKubernetesResource r = new io.fabric8.kubernetes.api.model.GenericKubernetesResource();
        r.setApiVersion(apiVersion);
        r.setKind(kind);
        r.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
        r.getMetadata().setName(name);
        r.getMetadata().setUid(UUID.randomUUID().toString());
        return r;
    }
}
