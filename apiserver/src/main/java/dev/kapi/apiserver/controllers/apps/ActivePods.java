package dev.kapi.apiserver.controllers.apps;

import dev.kapi.apiserver.registry.core.Pods;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * kube's pod helpers for the replica controllers: active pods ({@code FilterActivePods}: not Succeeded, not
 * Failed, not being deleted), availability ({@code IsPodAvailable}: Ready for at least minReadySeconds), and
 * the order in which surplus pods are deleted ({@code ActivePodsWithRanks}, with LogarithmicScaleDown as kube
 * enables it by default), the first to go first:
 * <ol>
 * <li>not scheduled before scheduled;</li>
 * <li>Pending before Unknown before Running;</li>
 * <li>not Ready before Ready;</li>
 * <li>on a node with more of the related pods before fewer;</li>
 * <li>both Ready: Ready more recently first (by powers of two of the time since; equal ranks by uid);</li>
 * <li>more container restarts first;</li>
 * <li>created more recently first (powers of two again, then uid).</li>
 * </ol>
 */
final class ActivePods {

    private ActivePods() {
    }

    static boolean active(Pod pod) {
        String phase = phase(pod);
        return !"Succeeded".equals(phase) && !"Failed".equals(phase)
                && pod.getMetadata().getDeletionTimestamp() == null;
    }

    static List<Pod> filter(List<Pod> pods) {
        return pods.stream().filter(ActivePods::active).toList();
    }

    /** kube's {@code IsPodAvailable}: Ready, and for minReadySeconds (0: as soon as Ready). */
    static boolean available(Pod pod, int minReadySeconds, Instant now) {
        if (!Pods.ready(pod)) {
            return false;
        }
        if (minReadySeconds <= 0) {
            return true;
        }
        Instant since = readySince(pod);
        return since != null && !since.plusSeconds(minReadySeconds).isAfter(now);
    }

    /** When the pod's Ready condition last became True, or null. */
    static Instant readySince(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return null;
        }
        for (PodCondition c : pod.getStatus().getConditions()) {
            if ("Ready".equals(c.getType()) && "True".equals(c.getStatus())) {
                return ControllerRefs.parse(c.getLastTransitionTime());
            }
        }
        return null;
    }

    /** The pods ordered for deletion, the first to delete first; {@code related} ranks nodes by their pods. */
    static List<Pod> rankedForDeletion(List<Pod> pods, List<Pod> related, Instant now) {
        Map<String, Integer> onNode = new HashMap<>();
        for (Pod p : related) {
            String node = node(p);
            if (!node.isEmpty() && active(p)) {
                onNode.merge(node, 1, Integer::sum);
            }
        }
        List<Pod> sorted = new ArrayList<>(pods);
        sorted.sort(order(onNode, now));
        return sorted;
    }

    private static Comparator<Pod> order(Map<String, Integer> onNode, Instant now) {
        return (a, b) -> {
            String na = node(a);
            String nb = node(b);
            if (!na.equals(nb) && (na.isEmpty() || nb.isEmpty())) {
                return na.isEmpty() ? -1 : 1;
            }
            int pa = phaseOrdinal(a);
            int pb = phaseOrdinal(b);
            if (pa != pb) {
                return Integer.compare(pa, pb);
            }
            boolean ra = Pods.ready(a);
            boolean rb = Pods.ready(b);
            if (ra != rb) {
                return ra ? 1 : -1;
            }
            int rankA = na.isEmpty() ? 0 : onNode.getOrDefault(na, 0);
            int rankB = nb.isEmpty() ? 0 : onNode.getOrDefault(nb, 0);
            if (rankA != rankB) {
                return Integer.compare(rankB, rankA);
            }
            if (ra) {
                int byReady = newerFirst(readySince(a), readySince(b), a, b, now);
                if (byReady != 0) {
                    return byReady;
                }
            }
            int restarts = Integer.compare(restarts(b), restarts(a));
            if (restarts != 0) {
                return restarts;
            }
            return newerFirst(ControllerRefs.parse(a.getMetadata().getCreationTimestamp()),
                    ControllerRefs.parse(b.getMetadata().getCreationTimestamp()), a, b, now);
        };
    }

    /** Empty time first, then the more recent by log2 buckets of the age, ties by uid; 0 for equal times. */
    private static int newerFirst(Instant ta, Instant tb, Pod a, Pod b, Instant now) {
        if (ta == null || tb == null) {
            return ta == tb ? 0 : ta == null ? -1 : 1;
        }
        if (ta.equals(tb)) {
            return 0;
        }
        long diff = logRank(ta, now) - logRank(tb, now);
        if (diff == 0) {
            return String.valueOf(a.getMetadata().getUid()).compareTo(String.valueOf(b.getMetadata().getUid()));
        }
        return diff < 0 ? -1 : 1;
    }

    private static long logRank(Instant t, Instant now) {
        long nanos = Duration.between(t, now).toNanos();
        return nanos > 0 ? (long) (Math.log(nanos) / Math.log(2)) : -1;
    }

    private static int restarts(Pod pod) {
        int max = 0;
        if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
            for (ContainerStatus s : pod.getStatus().getContainerStatuses()) {
                max = Math.max(max, ControllerRefs.intOf(s.getRestartCount()));
            }
        }
        return max;
    }

    private static int phaseOrdinal(Pod pod) {
        return switch (String.valueOf(phase(pod))) {
            case "Unknown" -> 1;
            case "Running" -> 2;
            default -> 0;
        };
    }

    private static String node(Pod pod) {
        return pod.getSpec() == null || pod.getSpec().getNodeName() == null ? "" : pod.getSpec().getNodeName();
    }

    private static String phase(Pod pod) {
        return pod.getStatus() == null ? null : pod.getStatus().getPhase();
    }
}
