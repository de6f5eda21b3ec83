package dev.kapi.apiserver.controllers.scheduler;

import dev.kapi.apiserver.registry.informer.EventHandler;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;

import java.util.List;
import java.util.Objects;

/**
 * The scheduler's node handler: a node added, or changed in what the filters read (labels, spec, allocatable,
 * condition statuses; not heartbeats), queues the unschedulable pods again.
 */
final class NodeEvents implements EventHandler<Node> {

    private final Scheduler scheduler;

    NodeEvents(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public void onAdd(Node node) {
        scheduler.retryUnschedulable(false);
    }

    @Override
    public void onUpdate(Node old, Node node) {
        if (!Objects.equals(old.getMetadata().getLabels(), node.getMetadata().getLabels())
                || !Objects.equals(old.getSpec(), node.getSpec())
                || !Objects.equals(allocatable(old), allocatable(node))
                || !conditions(old).equals(conditions(node))) {
            scheduler.retryUnschedulable(false);
        }
    }

    private static Object allocatable(Node node) {
        return node.getStatus() == null ? null : node.getStatus().getAllocatable();
    }

    private static List<String> conditions(Node node) {
        return node.getStatus() == null ? List.of() : Resources.list(node.getStatus().getConditions()).stream()
                .map((NodeCondition c) -> c.getType() + "=" + c.getStatus()).toList();
    }
}
