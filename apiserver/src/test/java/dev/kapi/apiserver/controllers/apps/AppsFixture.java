package dev.kapi.apiserver.controllers.apps;

import dev.kapi.apiserver.admission.AdmissionChain;
import dev.kapi.apiserver.admission.ValidatingAdmission;
import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.controllers.ControllerManager;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The apps controllers' tests' world: a registry on a fresh etcd prefix, the {@link ControllerManager} (with
 * the garbage collector and these controllers) writing through a pipeline whose one admission plugin refuses
 * pod creates beyond {@link #podLimit} (a quota stand-in), and the test's own writes as an admin.
 */
final class AppsFixture implements AutoCloseable {

    final Storage storage = EtcdStorage.connect(EtcdExtension.endpoints());
    final StoreRegistry stores;
    final Store<Pod> pods;
    final Store<ReplicaSet> replicaSets;
    final Store<ReplicationController> rcs;
    final Store<Deployment> deployments;
    final Store<Event> events;
    /** Pod creates beyond this many pods in a namespace are refused (a quota stand-in); -1: no limit. */
    final AtomicInteger podLimit = new AtomicInteger(-1);
    private final ControllerManager controllers;

    AppsFixture() {
        String prefix = EtcdExtension.randomPrefix();
        stores = TestStores.of(storage, prefix);
        pods = stores.find("", "v1", "pods", Pod.class).orElseThrow();
        replicaSets = stores.find("apps", "v1", "replicasets", ReplicaSet.class).orElseThrow();
        rcs = stores.find("", "v1", "replicationcontrollers", ReplicationController.class).orElseThrow();
        deployments = stores.find("apps", "v1", "deployments", Deployment.class).orElseThrow();
        events = stores.find("", "v1", "events", Event.class).orElseThrow();
        ValidatingAdmission quota = new ValidatingAdmission() {
            @Override
            public String name() {
                return "TestQuota";
            }

            @Override
            public void validate(dev.kapi.apiserver.admission.AdmissionAttributes a) {
                int limit = podLimit.get();
                if (limit >= 0 && a.operation() == dev.kapi.apiserver.admission.AdmissionAttributes.Operation.CREATE
                        && "pods".equals(a.resource().resource()) && (a.subresource() == null || a.subresource().isEmpty())
                        && pods(a.namespace()).size() >= limit) {
                    throw StatusError.forbidden(new GroupResource("", "pods"), a.name(),
                            "exceeded quota: q, requested: pods=1, used: pods=" + limit + ", limited: pods=" + limit);
                }
            }
        };
        controllers = new ControllerManager(stores, new WritePipeline(new AdmissionChain(List.of(), List.of(quota))));
        controllers.start();
    }

    /** The pods of the namespace, oldest first. */
    List<Pod> pods(String namespace) {
        return pods.list(namespace, ListParams.all()).items().stream()
                .sorted(Comparator.comparing((Pod p) -> p.getMetadata().getCreationTimestamp())
                        .thenComparing(p -> p.getMetadata().getName())).toList();
    }

    /** The namespace's events as {@code Kind/name type reason: message}, sorted. */
    List<String> events(String namespace) {
        return events.list(namespace, ListParams.all()).items().stream().map(e -> e.getInvolvedObject().getKind() + "/"
                + e.getInvolvedObject().getName() + " " + e.getType() + " " + e.getReason() + ": " + e.getMessage())
                .sorted().toList();
    }

    /** Sets the pod Running and Ready (or not) through pods/status, as a kubelet would. */
    void ready(String namespace, String name, boolean ready) {
        Writes.update(pods, namespace, name, "status", p -> {
            PodStatus s = p.getStatus() == null ? new PodStatus() : p.getStatus();
            s.setPhase("Running");
            PodCondition c = new PodCondition();
            c.setType("Ready");
            c.setStatus(ready ? "True" : "False");
            c.setLastTransitionTime(ControllerRefs.time(Instant.now()));
            s.setConditions(List.of(c));
            p.setStatus(s);
            return p;
        });
    }

    static PodTemplateSpec template(Map<String, String> labels, String image) {
        return new PodTemplateSpecBuilder().withNewMetadata().withLabels(labels).endMetadata().withNewSpec()
                .addNewContainer().withName("app").withImage(image).endContainer().endSpec().build();
    }

    static String ownerKind(HasMetadata obj) {
        var ref = ControllerRefs.controllerOf(obj);
        return ref == null ? null : ref.getKind() + "/" + ref.getName() + " controller=" + ref.getController()
                + " block=" + ref.getBlockOwnerDeletion();
    }

    @Override
    public void close() {
        controllers.close();
        storage.close();
    }
}
