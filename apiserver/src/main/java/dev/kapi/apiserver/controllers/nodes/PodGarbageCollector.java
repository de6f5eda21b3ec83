package dev.kapi.apiserver.controllers.nodes;

import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.controllers.Controller;
import dev.kapi.apiserver.controllers.ControllerContext;
import dev.kapi.apiserver.controllers.SharedInformers;
import dev.kapi.apiserver.controllers.WorkQueue;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.core.PodConditions;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kube's pod garbage collector ({@code pod-garbage-collector-controller}), every {@link #PERIOD}: a pod bound to a
 * node that does not exist (for {@link #QUARANTINE} and, asked again, not in storage either) is marked Failed with
 * condition DisruptionTarget (reason DeletionByPodGC) and deleted with grace period 0, so that no pod stays
 * Terminating forever once its node is gone; a terminating pod no node was ever given is deleted with grace
 * period 0 too. Every delete names the pod's uid. Not done (kube's others): deleting terminated pods above
 * {@code --terminated-pod-gc-threshold}, and terminating pods of out-of-service nodes.
 */
public final class PodGarbageCollector extends Controller {

    public static final String NAME = "pod-garbage-collector-controller";
    static final Duration PERIOD = Duration.ofSeconds(20);
    static final Duration QUARANTINE = Duration.ofSeconds(40);
    private static final String ROUND = "gc";
    private static final Logger LOG = LoggerFactory.getLogger(PodGarbageCollector.class);
    private static final UserInfo USER = SystemUsers.controller("pod-garbage-collector");

    private final Informer<Pod> pods;
    private final Informer<Node> nodes;
    private final Store<Pod> podStore;
    private final Store<Node> nodeStore;
    private final WritePipeline writes;
    private final Clock clock;
    private final Duration period;
    private final Duration quarantine;
    /** Nodes pods are bound to that were missing, since when (the workers' queue serialises the rounds). */
    private final Map<String, Instant> missingSince = new HashMap<>();

    PodGarbageCollector(Informer<Pod> pods, Informer<Node> nodes, Store<Pod> podStore, Store<Node> nodeStore,
                        WritePipeline writes, Clock clock, Duration period, Duration quarantine) {
        super(NAME, 1, new WorkQueue(Duration.ofMillis(100), period), List.of(pods, nodes));
        this.pods = pods;
        this.nodes = nodes;
        this.podStore = podStore;
        this.nodeStore = nodeStore;
        this.writes = writes;
        this.clock = clock;
        this.period = period;
        this.quarantine = quarantine;
        queue.addAfter(ROUND, period);
    }

    /** The collector of a leadership term; none when {@code --controllers} turns it off. */
    public static List<Controller> create(ControllerContext context) {
        if (!context.enabled(NAME)) {
            return List.of();
        }
        SharedInformers informers = context.informers();
        return List.of(new PodGarbageCollector(informers.of("", "v1", "pods", Pod.class),
                informers.of("", "v1", "nodes", Node.class), informers.store("", "v1", "pods", Pod.class),
                informers.store("", "v1", "nodes", Node.class), context.writes(), Clock.systemUTC(), PERIOD,
                QUARANTINE));
    }

    @Override
    protected boolean reconcile(String key) {
        try {
            collect();
        } finally {
            queue.addAfter(ROUND, period);
        }
        return true;
    }

    private void collect() {
        Instant now = clock.instant();
        Set<String> missing = new HashSet<>();
        for (Pod pod : pods.cache().list()) {
            String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
            if (node == null || node.isEmpty()) {
                if (pod.getMetadata().getDeletionTimestamp() != null) {
                    forceDelete(pod, false);
                }
            } else if (nodes.cache().get(null, node) == null) {
                missing.add(node);
                Instant since = missingSince.computeIfAbsent(node, n -> now);
                if (!now.isBefore(since.plus(quarantine)) && absent(node)) {
                    forceDelete(pod, true);
                }
            }
        }
        missingSince.keySet().retainAll(missing);
    }

    /** Whether storage, asked again, has no such node (the cache may lag behind a node created just now). */
    private boolean absent(String node) {
        try {
            nodeStore.get(null, node);
            return false;
        } catch (StatusError e) {
            return e.code() == 404;
        }
    }

    private void forceDelete(Pod pod, boolean orphaned) {
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        String uid = pod.getMetadata().getUid();
        try {
            if (orphaned) {
                writes.update(WriteScope.of(podStore, ns, USER).subresource("status"), name, current -> {
                    if (!uid.equals(current.getMetadata().getUid())) {
                        throw StatusError.conflict(new GroupResource("", "pods"), name, "another pod of that name");
                    }
                    PodConditions.set(current, "DisruptionTarget", "True", "DeletionByPodGC",
                            "PodGC: node no longer exists");
                    String phase = current.getStatus().getPhase();
                    if (!"Succeeded".equals(phase) && !"Failed".equals(phase)) {
                        current.getStatus().setPhase("Failed");
                    }
                    return current;
                }, OperationOptions.update());
            }
            DeleteOptions options = OperationOptions.deleteWithUid(uid);
            options.setGracePeriodSeconds(0L);
            writes.delete(WriteScope.of(podStore, ns, USER), name, options);
            LOG.info("{}: deleted pod {}/{} ({})", NAME, ns, name,
                    orphaned ? "its node " + pod.getSpec().getNodeName() + " does not exist" : "never scheduled");
        } catch (StatusError e) {
            if (e.code() != 404 && e.code() != 409 && !stopping()) {
                LOG.warn("{}: could not delete pod {}/{}: {}", NAME, ns, name, e.getMessage());
            }
        }
    }
}
