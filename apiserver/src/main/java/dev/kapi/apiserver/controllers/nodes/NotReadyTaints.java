package dev.kapi.apiserver.controllers.nodes;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.controllers.Controller;
import dev.kapi.apiserver.controllers.WorkQueue;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;

import java.time.Duration;
import java.util.List;

/**
 * The one duty of kube's node lifecycle controller that the simulated nodes need: the taint
 * {@code node.kubernetes.io/not-ready:NoSchedule} that admission (TaintNodesByCondition) puts on every new node
 * is removed once the node reports Ready=True, so that pods can be scheduled on it. Only simulated nodes are
 * looked at; nothing here marks a node NotReady or evicts pods. Writes as kube's {@code node-controller}.
 */
final class NotReadyTaints extends Controller {

    static final String NOT_READY = "node.kubernetes.io/not-ready";

    private final Informer<Node> nodes;
    private final Store<Node> nodeStore;
    private final WritePipeline writes;

    NotReadyTaints(Informer<Node> nodes, Store<Node> nodeStore, WritePipeline writes) {
        super("node-lifecycle-controller", 1, new WorkQueue(Duration.ofMillis(100), Duration.ofSeconds(30)),
                List.of(nodes));
        this.nodes = nodes;
        this.nodeStore = nodeStore;
        this.writes = writes;
        nodes.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Node node) {
                queueIfTainted(node);
            }

            @Override
            public void onUpdate(Node old, Node node) {
                queueIfTainted(node);
            }
        });
    }

    private void queueIfTainted(Node node) {
        if (SimulatedNode.isSimulated(node) && ready(node) && notReadyTaint(node)) {
            queue.add(node.getMetadata().getName());
        }
    }

    @Override
    protected boolean reconcile(String name) {
        Node node = nodes.cache().get(null, name);
        if (node == null || !SimulatedNode.isSimulated(node) || !ready(node) || !notReadyTaint(node)) {
            return true;
        }
        try {
            writes.update(WriteScope.of(nodeStore, null, SystemUsers.controller("node-controller")), name, current -> {
                if (ready(current) && current.getSpec() != null && current.getSpec().getTaints() != null) {
                    current.getSpec().setTaints(current.getSpec().getTaints().stream()
                            .filter(t -> !isNotReady(t)).toList());
                }
                return current;
            }, OperationOptions.update());
        } catch (StatusError e) {
            if (e.code() != 404) {
                throw e;
            }
        }
        return true;
    }

    private static boolean notReadyTaint(Node node) {
        return node.getSpec() != null && node.getSpec().getTaints() != null
                && node.getSpec().getTaints().stream().anyMatch(NotReadyTaints::isNotReady);
    }

    private static boolean isNotReady(Taint t) {
        return NOT_READY.equals(t.getKey()) && "NoSchedule".equals(t.getEffect());
    }

    private static boolean ready(Node node) {
        return node.getStatus() != null && node.getStatus().getConditions() != null && node.getStatus().getConditions()
                .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
