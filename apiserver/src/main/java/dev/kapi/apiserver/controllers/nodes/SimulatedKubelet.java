package dev.kapi.apiserver.controllers.nodes;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.controllers.Controller;
import dev.kapi.apiserver.controllers.WorkQueue;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.informer.InformerCache;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.UpdatedObject;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pod side of the simulated kubelets (kwok's pod stages): a pod bound to a node annotated
 * {@link SimulatedNode#ANNOTATION} is started at once ({@link PodStatuses#running}: phase Running, an IP of the
 * node's pod CIDR from {@link PodIps}, Ready at once: probes are not run, readiness gates are honoured), and so is
 * each ephemeral container added later ({@code kubectl debug}); a pod
 * owned by a Job succeeds {@code jobRunTime} after its startTime ({@link PodStatuses#succeeded}); a pod being
 * deleted (deletionTimestamp set) is deleted with grace period 0 and its uid as precondition, as the kubelet does
 * once its containers stopped. {@link KubeletEvents} tells of starts and stops. Pods of nodes that are missing or
 * not simulated are left alone. Statuses go through {@code pods/status}, every write as the node's user
 * ({@code system:node:<node>}). Other pods do not end by themselves: a pod with no Job owner runs until it is
 * deleted.
 */
final class SimulatedKubelet extends Controller {

    private final Informer<Pod> pods;
    private final Informer<Node> nodes;
    private final Store<Pod> podStore;
    private final WritePipeline writes;
    private final Duration jobRunTime;
    private final PodIps ips = new PodIps();
    private final KubeletEvents events;
    /** The uids of the deleting pods whose containers were told stopped (one Killing each), until they are gone. */
    private final Set<String> killed = ConcurrentHashMap.newKeySet();

    SimulatedKubelet(Informer<Pod> pods, Informer<Node> nodes, Store<Pod> podStore, WritePipeline writes,
                     Duration jobRunTime, KubeletEvents events) {
        super("simulated-kubelet", 4, new WorkQueue(Duration.ofMillis(100), Duration.ofSeconds(30)),
                List.of(pods, nodes));
        this.pods = pods;
        this.nodes = nodes;
        this.podStore = podStore;
        this.writes = writes;
        this.jobRunTime = jobRunTime;
        this.events = events;
        pods.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                queueIfBound(pod);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                queueIfBound(pod);
            }

            @Override
            public void onDelete(Pod pod) {
                ips.release(pod.getMetadata().getUid());
                killed.remove(pod.getMetadata().getUid());
            }
        });
        nodes.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Node node) {
                queuePodsOf(node);
            }

            @Override
            public void onUpdate(Node old, Node node) {
                if (!SimulatedNode.isSimulated(old)) {
                    queuePodsOf(node);
                }
            }
        });
    }

    private void queueIfBound(Pod pod) {
        if (nodeName(pod) != null) {
            queue.add(InformerCache.key(pod));
        }
    }

    private void queuePodsOf(Node node) {
        if (SimulatedNode.isSimulated(node)) {
            for (Pod pod : pods.cache().list()) {
                if (node.getMetadata().getName().equals(nodeName(pod))) {
                    queue.add(InformerCache.key(pod));
                }
            }
        }
    }

    @Override
    protected boolean reconcile(String key) {
        int slash = key.indexOf('/');
        Pod pod = pods.cache().get(key.substring(0, slash), key.substring(slash + 1));
        String nodeName = pod == null ? null : nodeName(pod);
        Node node = nodeName == null ? null : nodes.cache().get(null, nodeName);
        if (!SimulatedNode.isSimulated(node)) {
            return true;
        }
        String uid = pod.getMetadata().getUid();
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            if (delete(pod, nodeName) && "Running".equals(phase) && killed.add(uid)) {
                events.killing(pod, nodeName);
            }
            return true;
        }
        if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
            ips.release(uid);
            return true;
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<EphemeralContainer> debug = PodStatuses.unstartedEphemeral(pod);
        if (!"Running".equals(phase) || readinessChanged(pod) || !debug.isEmpty()) {
            start(pod, node, now);
            if (!"Running".equals(phase)) {
                events.started(pod, nodeName);
            }
            if (!debug.isEmpty()) {
                events.ephemeralStarted(pod, nodeName, debug);
            }
            if (ownedByJob(pod)) {
                queue.addAfter(key, jobRunTime);
            }
            return true;
        }
        if (ownedByJob(pod)) {
            Instant due = startTime(pod, now).plus(jobRunTime);
            if (now.isBefore(due)) {
                queue.addAfter(key, Duration.between(now, due).plusMillis(100));
            } else {
                status(pod, nodeName, current -> {
                    current.setStatus(PodStatuses.succeeded(current, now));
                    return current;
                });
                ips.release(uid);
            }
        }
        return true;
    }

    private void start(Pod pod, Node node, Instant now) {
        String hostIp = SimulatedNode.internalIp(node);
        status(pod, node.getMetadata().getName(), current -> {
            String podIp = hostNetwork(current) ? hostIp : allocate(current, node);
            current.setStatus(PodStatuses.running(current, hostIp, podIp, now));
            return current;
        });
    }

    /** The pod's address: the one its status has, else a free one of the node's pod CIDR. */
    private String allocate(Pod pod, Node node) {
        if (pod.getStatus() != null && pod.getStatus().getPodIP() != null) {
            return pod.getStatus().getPodIP();
        }
        List<String> inUse = pods.cache().list().stream()
                .filter(p -> p.getStatus() != null && p.getStatus().getPodIP() != null && !hostNetwork(p))
                .filter(p -> !"Succeeded".equals(p.getStatus().getPhase()) && !"Failed".equals(p.getStatus().getPhase()))
                .filter(p -> !Objects.equals(p.getMetadata().getUid(), pod.getMetadata().getUid()))
                .map(p -> p.getStatus().getPodIP()).toList();
        String ip = ips.allocate(pod.getMetadata().getUid(), node.getSpec() == null ? null : node.getSpec().getPodCIDR(),
                inUse);
        if (ip == null) {
            throw new IllegalStateException("no free pod IP on node " + node.getMetadata().getName());
        }
        return ip;
    }

    /** Whether the pod's Ready condition is not what its readiness gates now say. */
    private static boolean readinessChanged(Pod pod) {
        if (pod.getSpec().getReadinessGates() == null || pod.getSpec().getReadinessGates().isEmpty()) {
            return false;
        }
        List<PodCondition> conditions = pod.getStatus().getConditions() == null ? List.of()
                : pod.getStatus().getConditions();
        String ready = conditions.stream().filter(c -> "Ready".equals(c.getType())).map(PodCondition::getStatus)
                .findFirst().orElse("");
        return !ready.equals(PodStatuses.gatesReady(pod, conditions) ? "True" : "False");
    }

    /**
     * The kubelet's final delete of a pod whose containers stopped: grace period 0, this pod's uid only; false
     * when the pod was gone already (or is another pod now).
     */
    private boolean delete(Pod pod, String nodeName) {
        DeleteOptions options = OperationOptions.deleteWithUid(pod.getMetadata().getUid());
        options.setGracePeriodSeconds(0L);
        try {
            writes.delete(SimulatedNode.scope(podStore, pod.getMetadata().getNamespace(), nodeName),
                    pod.getMetadata().getName(), options);
        } catch (StatusError e) {
            if (e.code() != 404 && e.code() != 409) {
                throw e;
            }
            ips.release(pod.getMetadata().getUid());
            return false;
        }
        ips.release(pod.getMetadata().getUid());
        return true;
    }

    private void status(Pod pod, String nodeName, UpdatedObject<Pod> change) {
        WriteScope<Pod> scope = SimulatedNode.scope(podStore, pod.getMetadata().getNamespace(), nodeName)
                .subresource("status");
        try {
            writes.update(scope, pod.getMetadata().getName(), change, OperationOptions.update());
        } catch (StatusError e) {
            if (e.code() != 404) {
                throw e;
            }
        }
    }

    static boolean ownedByJob(Pod pod) {
        return pod.getMetadata().getOwnerReferences() != null && pod.getMetadata().getOwnerReferences().stream()
                .anyMatch(o -> "Job".equals(o.getKind()) && o.getApiVersion() != null
                        && o.getApiVersion().startsWith("batch/"));
    }

    private static Instant startTime(Pod pod, Instant now) {
        try {
            return Instant.parse(pod.getStatus().getStartTime());
        } catch (RuntimeException e) {
            return now;
        }
    }

    private static boolean hostNetwork(Pod pod) {
        return pod.getSpec() != null && Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
    }

    private static String nodeName(Pod pod) {
        String name = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        return name == null || name.isEmpty() ? null : name;
    }
}
