package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.registry.TableColumn;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodReadinessGate;

import java.time.Instant;
import java.util.List;

/** The cells of kubectl's pod table (kube's {@code printPod}): READY, STATUS, RESTARTS, READINESS GATES. */
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
                        + "cluster. Empty if not yet allocated.", p -> orNone(p.getStatus() == null ? null : p.getStatus().getPodIP())),
                TableColumn.wide("Node", "string", "NodeName indicates in which node this pod is scheduled.",
                        p -> orNone(p.getSpec() == null ? null : p.getSpec().getNodeName())),
                TableColumn.wide("Nominated Node", "string", "nominatedNodeName is set only when this pod preempts "
                        + "other pods on the node.", p -> orNone(p.getStatus() == null ? null : p.getStatus().getNominatedNodeName())),
                TableColumn.wide("Readiness Gates", "string", "If specified, all readiness gates will be evaluated "
                        + "for pod readiness.", PodPrinter::readinessGates));
    }

    static String ready(Pod pod) {
        int total = pod.getSpec() == null || pod.getSpec().getContainers() == null ? 0 : pod.getSpec().getContainers().size();
        int ready = 0;
        for (ContainerStatus cs : statuses(pod)) {
            if (Boolean.TRUE.equals(cs.getReady())) {
                ready++;
            }
        }
        return ready + "/" + total;
    }

    static String status(Pod pod) {
        String reason = pod.getStatus() == null || pod.getStatus().getPhase() == null ? "" : pod.getStatus().getPhase();
        if (pod.getStatus() != null && pod.getStatus().getReason() != null && !pod.getStatus().getReason().isEmpty()) {
            reason = pod.getStatus().getReason();
        }
        boolean initializing = false;
        List<ContainerStatus> inits = pod.getStatus() == null || pod.getStatus().getInitContainerStatuses() == null
                ? List.of() : pod.getStatus().getInitContainerStatuses();
        int initCount = pod.getSpec() == null || pod.getSpec().getInitContainers() == null ? 0 : pod.getSpec().getInitContainers().size();
        for (int i = 0; i < inits.size(); i++) {
            ContainerStatus cs = inits.get(i);
            if (cs.getState() != null && cs.getState().getTerminated() != null
                    && Integer.valueOf(0).equals(cs.getState().getTerminated().getExitCode())) {
                continue;
            }
            if (cs.getState() != null && cs.getState().getRunning() != null && Boolean.TRUE.equals(cs.getStarted())) {
                continue;
            }
            initializing = true;
            if (cs.getState() != null && cs.getState().getTerminated() != null) {
                ContainerStateTerminated t = cs.getState().getTerminated();
                reason = "Init:" + terminatedReason(t);
            } else if (cs.getState() != null && cs.getState().getWaiting() != null
                    && notEmpty(cs.getState().getWaiting().getReason())
                    && !"PodInitializing".equals(cs.getState().getWaiting().getReason())) {
                reason = "Init:" + cs.getState().getWaiting().getReason();
            } else {
                reason = "Init:" + i + "/" + initCount;
            }
            break;
        }
        if (!initializing) {
            boolean hasRunning = false;
            List<ContainerStatus> list = statuses(pod);
            for (int i = list.size() - 1; i >= 0; i--) {
                ContainerStatus cs = list.get(i);
                if (cs.getState() == null) {
                    continue;
                }
                if (cs.getState().getWaiting() != null && notEmpty(cs.getState().getWaiting().getReason())) {
                    reason = cs.getState().getWaiting().getReason();
                } else if (cs.getState().getTerminated() != null) {
                    reason = terminatedReason(cs.getState().getTerminated());
                } else if (cs.getState().getRunning() != null && Boolean.TRUE.equals(cs.getReady())) {
                    hasRunning = true;
                }
            }
            if ("Completed".equals(reason) && hasRunning) {
                reason = Pods.ready(pod) ? "Running" : "NotReady";
            }
        }
        if (pod.getMetadata() != null && pod.getMetadata().getDeletionTimestamp() != null) {
            reason = pod.getStatus() != null && "NodeLost".equals(pod.getStatus().getReason()) ? "Unknown" : "Terminating";
        }
        return reason;
    }

    static String restarts(Pod pod) {
        int restarts = 0;
        Instant last = null;
        List<ContainerStatus> all = new java.util.ArrayList<>(statuses(pod));
        if (pod.getStatus() != null && pod.getStatus().getInitContainerStatuses() != null) {
            all.addAll(pod.getStatus().getInitContainerStatuses());
        }
        for (ContainerStatus cs : all) {
            restarts += cs.getRestartCount() == null ? 0 : cs.getRestartCount();
            if (cs.getLastState() != null && cs.getLastState().getTerminated() != null
                    && notEmpty(cs.getLastState().getTerminated().getFinishedAt())) {
                Instant t = Instant.parse(cs.getLastState().getTerminated().getFinishedAt());
                if (last == null || t.isAfter(last)) {
                    last = t;
                }
            }
        }
        if (restarts != 0 && last != null) {
            return restarts + " (" + TableColumn.humanDuration(java.time.Duration.between(last, Instant.now())) + " ago)";
        }
        return String.valueOf(restarts);
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

    private static List<ContainerStatus> statuses(Pod pod) {
        return pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
                ? List.of() : pod.getStatus().getContainerStatuses();
    }

    private static String terminatedReason(ContainerStateTerminated t) {
        if (notEmpty(t.getReason())) {
            return t.getReason();
        }
        if (t.getSignal() != null && t.getSignal() != 0) {
            return "Signal:" + t.getSignal();
        }
        return "ExitCode:" + (t.getExitCode() == null ? 0 : t.getExitCode());
    }

    private static boolean notEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    static String orNone(String s) {
        return s == null || s.isEmpty() ? "<none>" : s;
    }
}
