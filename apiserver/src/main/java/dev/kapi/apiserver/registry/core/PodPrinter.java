package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.TableRowCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodReadinessGate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The cells of kubectl's pod table (kube's {@code printPod}): READY, STATUS and RESTARTS from {@link PodSummary},
 * IP, NODE, NOMINATED NODE, READINESS GATES, and the Completed condition of a finished pod's row.
 */
final class PodPrinter {

    private PodPrinter() {
    }

    static List<TableColumn<Pod>> columns() {
        return List.of(TableColumn.nameColumn(),
                TableColumn.of("Ready", "string", "The aggregate readiness state of this pod for accepting traffic.",
                        PodPrinter::ready),
                TableColumn.of("Status", "string", "The aggregate status of the containers in this pod.",
                        PodPrinter::status),
                TableColumn.of("Restarts", "string", "The number of times the containers in this pod have been "
                        + "restarted and when the last container in this pod has restarted.", PodPrinter::restarts),
                TableColumn.ageColumn(),
                TableColumn.wide("IP", "string", "podIP address allocated to the pod. Routable at least within the "
                        + "cluster. Empty if not yet allocated.", PodPrinter::podIp),
                TableColumn.wide("Node", "string", "NodeName indicates in which node this pod is scheduled.",
                        p -> orNone(p.getSpec() == null ? null : p.getSpec().getNodeName())),
                TableColumn.wide("Nominated Node", "string", "nominatedNodeName is set only when this pod preempts "
                        + "other pods on the node.", p -> orNone(p.getStatus() == null ? null : p.getStatus().getNominatedNodeName())),
                TableColumn.wide("Readiness Gates", "string", "If specified, all readiness gates will be evaluated "
                        + "for pod readiness.", PodPrinter::readinessGates));
    }

    static String ready(Pod pod) {
        return PodSummary.of(pod).ready();
    }

    static String status(Pod pod) {
        return PodSummary.of(pod).status();
    }

    static String restarts(Pod pod) {
        PodSummary s = PodSummary.of(pod);
        if (s.restarts() != 0 && s.lastRestart() != null) {
            return s.restarts() + " (" + TableColumn.humanDuration(Duration.between(s.lastRestart(), Instant.now())) + " ago)";
        }
        return String.valueOf(s.restarts());
    }

    /** kube's {@code podSuccessConditions} / {@code podFailedConditions}: finished pods' rows are Completed. */
    static List<TableRowCondition> rowConditions(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if ("Succeeded".equals(phase)) {
            return List.of(new TableRowCondition("Completed", "True", "Succeeded", "The pod has completed successfully."));
        }
        if ("Failed".equals(phase)) {
            return List.of(new TableRowCondition("Completed", "True", "Failed", "The pod failed."));
        }
        return List.of();
    }

    /** kube shows the first of {@code status.podIPs}. */
    static String podIp(Pod pod) {
        var ips = pod.getStatus() == null ? null : pod.getStatus().getPodIPs();
        return orNone(ips == null || ips.isEmpty() ? null : ips.get(0).getIp());
    }

    static String readinessGates(Pod pod) {
        List<PodReadinessGate> gates = pod.getSpec() == null ? null : pod.getSpec().getReadinessGates();
        if (gates == null || gates.isEmpty()) {
            return "<none>";
        }
        int ok = 0;
        for (PodReadinessGate g : gates) {
            for (PodCondition c : conditions(pod)) {
                if (c.getType().equals(g.getConditionType()) && "True".equals(c.getStatus())) {
                    ok++;
                }
            }
        }
        return ok + "/" + gates.size();
    }

    private static List<PodCondition> conditions(Pod pod) {
        return pod.getStatus() == null || pod.getStatus().getConditions() == null ? List.of() : pod.getStatus().getConditions();
    }

    static String orNone(String s) {
        return s == null || s.isEmpty() ? "<none>" : s;
    }
}
