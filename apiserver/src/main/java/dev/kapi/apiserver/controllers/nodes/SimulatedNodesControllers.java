package dev.kapi.apiserver.controllers.nodes;

import dev.kapi.apiserver.controllers.Controller;
import dev.kapi.apiserver.controllers.ControllerContext;
import dev.kapi.apiserver.controllers.SharedInformers;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;

import java.util.List;

/**
 * The simulated nodes ({@code --simulated-nodes}, kwok's way): Nodes {@code kapi-node-0..N-1} registered and
 * kept alive by {@link NodeHeartbeats}, their pods run by {@link SimulatedKubelet} (Running at once, Job pods
 * Succeeded after {@code --simulated-job-run-time}, deletions finished). The not-ready taint of a new node is
 * lifted by {@link NodeConditionTaints}, as for any node. Nothing when {@code simulatedNodes} is 0; at most
 * {@link #MAX_NODES}.
 */
public final class SimulatedNodesControllers {

    /**
     * The most simulated nodes (their pod CIDRs {@code 10.244.0.0/24} to {@code 10.255.255.0/24}); a larger
     * {@code --simulated-nodes} is refused here.
     */
    public static final int MAX_NODES = 12 * 256;

    private SimulatedNodesControllers() {
    }

    public static List<Controller> create(ControllerContext context) {
        return create(context, NodeTimings.kubelet(context.simulatedJobRunTime()));
    }

    static List<Controller> create(ControllerContext context, NodeTimings timings) {
        if (context.simulatedNodes() <= 0) {
            return List.of();
        }
        if (context.simulatedNodes() > MAX_NODES) {
            throw new IllegalArgumentException("--simulated-nodes must be at most " + MAX_NODES + ", not "
                    + context.simulatedNodes());
        }
        SharedInformers informers = context.informers();
        var nodes = informers.of("", "v1", "nodes", Node.class);
        var pods = informers.of("", "v1", "pods", Pod.class);
        var nodeStore = informers.store("", "v1", "nodes", Node.class);
        return List.of(
                new NodeHeartbeats(context.simulatedNodes(), nodeStore,
                        informers.store("coordination.k8s.io", "v1", "leases", Lease.class), context.writes(), timings),
                new SimulatedKubelet(pods, nodes, informers.store("", "v1", "pods", Pod.class), context.writes(),
                        timings.jobRunTime(), new KubeletEvents(context.writes(),
                        context.stores().find("", "v1", "events", Event.class).orElse(null))));
    }
}
