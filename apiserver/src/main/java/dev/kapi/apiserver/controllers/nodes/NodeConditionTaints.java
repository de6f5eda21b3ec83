package dev.kapi.apiserver.controllers.nodes;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.controllers.Controller;
import dev.kapi.apiserver.controllers.ControllerContext;
import dev.kapi.apiserver.controllers.WorkQueue;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.Taint;

import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The NoSchedule tainting pass of kube's node lifecycle controller ({@code node-lifecycle-controller}), for
 * every node: its conditions decide its condition taints, each with effect NoSchedule: Ready False
 * {@code node.kubernetes.io/not-ready}, Ready Unknown {@code node.kubernetes.io/unreachable}, MemoryPressure,
 * DiskPressure, PIDPressure or NetworkUnavailable True {@code node.kubernetes.io/memory-pressure} and so on,
 * and {@code spec.unschedulable} (kubectl cordon) {@code node.kubernetes.io/unschedulable}. Taints of those keys
 * with effect NoSchedule that the node should not have are removed, missing ones added with {@code timeAdded};
 * every other taint is left alone. So the not-ready taint admission (TaintNodesByCondition) puts on a new node
 * is lifted once the node reports Ready=True, as kube does. Writes as kube's {@code node-controller}.
 *
 * <p>Not done (kube's other duties): watching heartbeats and leases to mark a silent node's conditions Unknown,
 * the NoExecute taints and the evictions that follow them.
 */
public final class NodeConditionTaints extends Controller {

    public static final String NAME = "node-lifecycle-controller";
    static final String NO_SCHEDULE = "NoSchedule";
    static final String UNSCHEDULABLE = "node.kubernetes.io/unschedulable";
    /** kube's nodeConditionToTaintKeyStatusMap: condition type, then status, to taint key. */
    static final Map<String, Map<String, String>> CONDITION_TAINTS = Map.of(
            "Ready", Map.of("False", "node.kubernetes.io/not-ready", "Unknown", "node.kubernetes.io/unreachable"),
            "MemoryPressure", Map.of("True", "node.kubernetes.io/memory-pressure"),
            "DiskPressure", Map.of("True", "node.kubernetes.io/disk-pressure"),
            "NetworkUnavailable", Map.of("True", "node.kubernetes.io/network-unavailable"),
            "PIDPressure", Map.of("True", "node.kubernetes.io/pid-pressure"));
    /** The taint keys this pass owns (with effect NoSchedule). */
    private static final Set<String> KEYS = keys();

    private final Informer<Node> nodes;
    private final Store<Node> nodeStore;
    private final WritePipeline writes;
    private final Clock clock;

    NodeConditionTaints(Informer<Node> nodes, Store<Node> nodeStore, WritePipeline writes, Clock clock) {
        super(NAME, 1, new WorkQueue(Duration.ofMillis(100), Duration.ofSeconds(30)), List.of(nodes));
        this.nodes = nodes;
        this.nodeStore = nodeStore;
        this.writes = writes;
        this.clock = clock;
        nodes.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Node node) {
                queueIfStale(node);
            }

            @Override
            public void onUpdate(Node old, Node node) {
                queueIfStale(node);
            }
        });
    }

    /** The controller, unless {@code --controllers} leaves it out. */
    public static List<Controller> create(ControllerContext context) {
        if (!context.enabled(NAME)) {
            return List.of();
        }
        return List.of(new NodeConditionTaints(context.informers().of("", "v1", "nodes", Node.class),
                context.informers().store("", "v1", "nodes", Node.class), context.writes(), Clock.systemUTC()));
    }

    private void queueIfStale(Node node) {
        if (!wanted(node).equals(present(node))) {
            queue.add(node.getMetadata().getName());
        }
    }

    @Override
    protected boolean reconcile(String name) {
        Node node = nodes.cache().get(null, name);
        if (node == null || wanted(node).equals(present(node))) {
            return true;
        }
        try {
            writes.update(WriteScope.of(nodeStore, null, SystemUsers.controller("node-controller")), name,
                    this::swapTaints, OperationOptions.update());
        } catch (StatusError e) {
            if (e.code() != 404) {
                throw e;
            }
        }
        return true;
    }

    /** kube's SwapNodeControllerTaint on the node as stored now. */
    private Node swapTaints(Node current) {
        Set<String> wanted = wanted(current);
        Set<String> present = present(current);
        if (wanted.equals(present)) {
            return current;
        }
        List<Taint> taints = new ArrayList<>();
        for (Taint t : taints(current)) {
            if (!owned(t) || wanted.contains(t.getKey())) {
                taints.add(t);
            }
        }
        String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
        for (String key : wanted) {
            if (!present.contains(key)) {
                Taint t = new Taint();
                t.setKey(key);
                t.setEffect(NO_SCHEDULE);
                t.setTimeAdded(now);
                taints.add(t);
            }
        }
        if (current.getSpec() == null) {
            current.setSpec(new NodeSpec());
        }
        current.getSpec().setTaints(taints);
        return current;
    }

    /** The taint keys the node's conditions and {@code spec.unschedulable} call for. */
    static Set<String> wanted(Node node) {
        Set<String> keys = new TreeSet<>();
        List<NodeCondition> conditions = node.getStatus() == null || node.getStatus().getConditions() == null
                ? List.of() : node.getStatus().getConditions();
        for (NodeCondition c : conditions) {
            String key = CONDITION_TAINTS.getOrDefault(c.getType(), Map.of()).get(c.getStatus());
            if (key != null) {
                keys.add(key);
            }
        }
        if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
            keys.add(UNSCHEDULABLE);
        }
        return keys;
    }

    /** The keys of the node's NoSchedule taints that this pass owns. */
    static Set<String> present(Node node) {
        Set<String> keys = new TreeSet<>();
        for (Taint t : taints(node)) {
            if (owned(t)) {
                keys.add(t.getKey());
            }
        }
        return keys;
    }

    private static boolean owned(Taint t) {
        return NO_SCHEDULE.equals(t.getEffect()) && KEYS.contains(t.getKey());
    }

    private static List<Taint> taints(Node node) {
        return node.getSpec() == null || node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
    }

    private static Set<String> keys() {
        Set<String> keys = new TreeSet<>(Set.of(UNSCHEDULABLE));
        CONDITION_TAINTS.values().forEach(m -> keys.addAll(m.values()));
        return Set.copyOf(keys);
    }
}
