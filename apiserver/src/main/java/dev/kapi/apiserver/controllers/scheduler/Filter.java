package dev.kapi.apiserver.controllers.scheduler;

import java.util.List;

/**
 * One of kube's filter plugins for one pod in one cycle: whether the pod fits a node. An empty list is a fit;
 * otherwise the reasons it does not (kube's Status with its reasons), each counted once per node in the
 * unschedulable message.
 */
interface Filter {

    /**
     * A reason a node does not fit.
     *
     * @param unresolvable kube's UnschedulableAndUnresolvable: preempting pods on that node would not help
     */
    record Reason(String message, boolean unresolvable) {
    }

    List<Reason> filter(NodeInfo node);

    static List<Reason> unresolvable(String message) {
        return List.of(new Reason(message, true));
    }

    static List<Reason> unschedulable(String message) {
        return List.of(new Reason(message, false));
    }
}
