package dev.kapi.apiserver.registry.core;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * READY, STATUS and RESTARTS of a pod row, worked out together as kube's {@code printPod} does: sidecars (init
 * containers with restartPolicy Always) count as containers; while an init container has not finished the status
 * is {@code Init:...} and its restarts count; afterwards (or once the pod is Initialized) the app containers'
 * states give the status, and only sidecar and app restarts count; a gated pod is {@code SchedulingGated}; a
 * deleted pod is {@code Terminating} (unless it finished) or {@code Unknown} when its node was lost.
 *
 * @param ready       "ready/total"
 * @param status      the reason shown as STATUS
 * @param restarts    the restart count
 * @param lastRestart when the last counted container last terminated, or null
 */
record PodSummary(String ready, String status, int restarts, Instant lastRestart) {

    static PodSummary of(Pod pod) {
        var spec = pod.getSpec();
        var st = pod.getStatus();
        List<Container> containers = spec == null || spec.getContainers() == null ? List.of() : spec.getContainers();
        List<Container> inits = spec == null || spec.getInitContainers() == null ? List.of() : spec.getInitContainers();
        List<ContainerStatus> initStatuses = st == null || st.getInitContainerStatuses() == null
                ? List.of() : st.getInitContainerStatuses();
        List<ContainerStatus> statuses = st == null || st.getContainerStatuses() == null ? List.of() : st.getContainerStatuses();
        List<PodCondition> conditions = st == null || st.getConditions() == null ? List.of() : st.getConditions();
        String phase = st == null || st.getPhase() == null ? "" : st.getPhase();

        int total = containers.size();
        int ready = 0;
        String reason = st != null && notEmpty(st.getReason()) ? st.getReason() : phase;
        for (PodCondition c : conditions) {
            if ("PodScheduled".equals(c.getType()) && "SchedulingGated".equals(c.getReason())) {
                reason = "SchedulingGated";
            }
        }
        Map<String, Container> initByName = new HashMap<>();
        for (Container c : inits) {
            initByName.put(c.getName(), c);
            if (sidecar(c)) {
                total++;
            }
        }
        int restarts = 0;
        int sidecarRestarts = 0;
        Instant last = null;
        Instant lastSidecar = null;
        boolean initializing = false;
        for (int i = 0; i < initStatuses.size(); i++) {
            ContainerStatus cs = initStatuses.get(i);
            int count = cs.getRestartCount() == null ? 0 : cs.getRestartCount();
            restarts += count;
            last = later(last, lastTerminated(cs));
            boolean sidecar = sidecar(initByName.get(cs.getName()));
            if (sidecar) {
                sidecarRestarts += count;
                lastSidecar = later(lastSidecar, lastTerminated(cs));
            }
            var state = cs.getState();
            ContainerStateTerminated terminated = state == null ? null : state.getTerminated();
            if (terminated != null && Integer.valueOf(0).equals(terminated.getExitCode())) {
                continue;
            }
            if (sidecar && Boolean.TRUE.equals(cs.getStarted())) {
                if (Boolean.TRUE.equals(cs.getReady())) {
                    ready++;
                }
                continue;
            }
            initializing = true;
            if (terminated != null) {
                reason = "Init:" + terminatedReason(terminated);
            } else if (state != null && state.getWaiting() != null && notEmpty(state.getWaiting().getReason())
                    && !"PodInitializing".equals(state.getWaiting().getReason())) {
                reason = "Init:" + state.getWaiting().getReason();
            } else {
                reason = "Init:" + i + "/" + inits.size();
            }
            break;
        }
        if (!initializing || condition(conditions, "Initialized")) {
            restarts = sidecarRestarts;
            last = lastSidecar;
            boolean hasRunning = false;
            for (int i = statuses.size() - 1; i >= 0; i--) {
                ContainerStatus cs = statuses.get(i);
                restarts += cs.getRestartCount() == null ? 0 : cs.getRestartCount();
                last = later(last, lastTerminated(cs));
                var state = cs.getState();
                if (state != null && state.getWaiting() != null && notEmpty(state.getWaiting().getReason())) {
                    reason = state.getWaiting().getReason();
                } else if (state != null && state.getTerminated() != null) {
                    reason = terminatedReason(state.getTerminated());
                } else if (Boolean.TRUE.equals(cs.getReady()) && state != null && state.getRunning() != null) {
                    hasRunning = true;
                    ready++;
                }
            }
            if ("Completed".equals(reason) && hasRunning) {
                reason = condition(conditions, "Ready") ? "Running" : "NotReady";
            }
        }
        boolean deleted = pod.getMetadata() != null && pod.getMetadata().getDeletionTimestamp() != null;
        if (deleted && st != null && "NodeLost".equals(st.getReason())) {
            reason = "Unknown";
        } else if (deleted && !"Succeeded".equals(phase) && !"Failed".equals(phase)) {
            reason = "Terminating";
        }
        return new PodSummary(ready + "/" + total, reason, restarts, last);
    }

    /** kube's {@code IsRestartableInitContainer}: an init container with restartPolicy Always. */
    static boolean sidecar(Container c) {
        return c != null && "Always".equals(c.getRestartPolicy());
    }

    private static boolean condition(List<PodCondition> conditions, String type) {
        return conditions.stream().anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static Instant lastTerminated(ContainerStatus cs) {
        if (cs.getLastState() == null || cs.getLastState().getTerminated() == null
                || !notEmpty(cs.getLastState().getTerminated().getFinishedAt())) {
            return null;
        }
        return Instant.parse(cs.getLastState().getTerminated().getFinishedAt());
    }

    private static Instant later(Instant a, Instant b) {
        return a == null || (b != null && b.isAfter(a)) ? b : a;
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
}
