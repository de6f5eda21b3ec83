package dev.kapi.apiserver.controllers.scheduler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Taints and tolerations (kube's TaintToleration and NodeUnschedulable plugins, and {@code ToleratesTaint}).
 * A node whose Ready condition is not True is taken to carry the taint kube's node lifecycle controller gives
 * it ({@code node.kubernetes.io/not-ready}, or {@code node.kubernetes.io/unreachable} for Unknown) with effect
 * NoSchedule, so that only pods tolerating it (as DaemonSet pods do) land there.
 */
final class Taints {

    static final String NOT_READY = "node.kubernetes.io/not-ready";
    static final String UNREACHABLE = "node.kubernetes.io/unreachable";
    static final String UNSCHEDULABLE = "node.kubernetes.io/unschedulable";
    static final String NO_SCHEDULE = "NoSchedule";
    static final String NO_EXECUTE = "NoExecute";
    static final String PREFER_NO_SCHEDULE = "PreferNoSchedule";

    private Taints() {
    }

    /** The node's taints, with the not-ready one when its Ready condition is not True. */
    static List<Taint> of(Node node) {
        List<Taint> taints = new ArrayList<>(Resources.list(node.getSpec() == null ? null : node.getSpec().getTaints()));
        String ready = readyStatus(node);
        if (!"True".equals(ready)) {
            String key = "Unknown".equals(ready) ? UNREACHABLE : NOT_READY;
            if (taints.stream().noneMatch(t -> key.equals(t.getKey()))) {
                taints.add(taint(key));
            }
        }
        return taints;
    }

    private static Taint taint(String key) {
        Taint t = new Taint();
        t.setKey(key);
        t.setEffect(NO_SCHEDULE);
        return t;
    }

    private static String readyStatus(Node node) {
        if (node.getStatus() == null) {
            return null;
        }
        return Resources.list(node.getStatus().getConditions()).stream().filter(c -> "Ready".equals(c.getType()))
                .map(NodeCondition::getStatus).findFirst().orElse(null);
    }

    static boolean tolerates(List<Toleration> tolerations, Taint taint) {
        return tolerations.stream().anyMatch(t -> tolerates(t, taint));
    }

    /** kube's {@code Toleration.ToleratesTaint}. */
    static boolean tolerates(Toleration t, Taint taint) {
        if (!empty(t.getEffect()) && !t.getEffect().equals(taint.getEffect())) {
            return false;
        }
        if (!empty(t.getKey()) && !t.getKey().equals(taint.getKey())) {
            return false;
        }
        String operator = empty(t.getOperator()) ? "Equal" : t.getOperator();
        return switch (operator) {
            case "Equal" -> Objects.toString(t.getValue(), "").equals(Objects.toString(taint.getValue(), ""));
            case "Exists" -> true;
            default -> false;
        };
    }

    static List<Toleration> tolerations(Pod pod) {
        return Resources.list(pod.getSpec().getTolerations());
    }

    /** NodeUnschedulable: spec.unschedulable, unless the pod tolerates {@code node.kubernetes.io/unschedulable}. */
    static Filter unschedulable(Pod pod) {
        Taint taint = taint(UNSCHEDULABLE);
        boolean tolerated = tolerates(tolerations(pod), taint);
        return node -> node.node.getSpec() != null && Boolean.TRUE.equals(node.node.getSpec().getUnschedulable())
                && !tolerated ? Filter.unresolvable("node(s) were unschedulable") : List.of();
    }

    /** TaintToleration: the first NoSchedule or NoExecute taint the pod does not tolerate. */
    static Filter toleration(Pod pod) {
        List<Toleration> tolerations = tolerations(pod);
        return node -> {
            for (Taint taint : of(node.node)) {
                if ((NO_SCHEDULE.equals(taint.getEffect()) || NO_EXECUTE.equals(taint.getEffect()))
                        && !tolerates(tolerations, taint)) {
                    return Filter.unresolvable("node(s) had untolerated taint {" + taint.getKey() + ": "
                            + Objects.toString(taint.getValue(), "") + "}");
                }
            }
            return List.of();
        };
    }

    /** TaintToleration's score before normalizing: the PreferNoSchedule taints the pod does not tolerate. */
    static long intolerablePreferNoSchedule(Pod pod, NodeInfo node) {
        List<Toleration> tolerations = tolerations(pod).stream()
                .filter(t -> empty(t.getEffect()) || PREFER_NO_SCHEDULE.equals(t.getEffect())).toList();
        return of(node.node).stream().filter(t -> PREFER_NO_SCHEDULE.equals(t.getEffect()))
                .filter(t -> !tolerates(tolerations, t)).count();
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }
}
