package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.core.Pods;
import dev.kapi.apiserver.registry.groups.policy.DisruptionBudgets;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatusBuilder;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The status kube's disruption controller computes for one PodDisruptionBudget from the pods it selects
 * ({@code trySync}): {@code expectedPods} the selected pods (none when the budget sets neither minAvailable
 * nor maxUnavailable, as in kube: such a budget allows no disruption), {@code desiredHealthy} minAvailable, or
 * expectedPods minus maxUnavailable (a percentage of expectedPods, rounded up), {@code currentHealthy} the
 * selected pods that are Ready, not being deleted and not evicted in the last {@link #DELETION_TIMEOUT}
 * ({@code disruptedPods}: the eviction records each pod it lets go), {@code disruptionsAllowed} the healthy
 * pods beyond the desired ones, never below 0.
 *
 * <p>One deviation: kube takes expectedPods for maxUnavailable and percentages from the scale of the pods'
 * controllers (Deployments, StatefulSets, ...). Kapi runs no workload controllers yet, so it counts the
 * selected pods in every case; kube would refuse every eviction for such a budget over pods without a
 * controller (its {@code NoControllers} failure).
 *
 * @param recheckAt when the oldest kept disrupted pod expires (the status must be computed again then), or
 *                  null
 */
record DisruptionStatus(PodDisruptionBudgetStatus status, Instant recheckAt) {

    /** kube's {@code DeletionTimeout}: an evicted pod not deleted by then counts again. */
    static final Duration DELETION_TIMEOUT = Duration.ofMinutes(2);

    /** The status of {@code pdb} over {@code pods} (the pods of its namespace) at {@code now}. */
    static DisruptionStatus of(PodDisruptionBudget pdb, List<Pod> pods, Instant now) {
        List<Pod> selected = pods.stream().filter(DisruptionBudgets.selector(pdb)).toList();
        // kube expects no pods of a budget with neither minAvailable nor maxUnavailable: it allows no disruption
        int expected = constrains(pdb) ? selected.size() : 0;
        int desired = desiredHealthy(pdb, expected);
        Map<String, String> disrupted = new TreeMap<>();
        Instant recheckAt = null;
        Map<String, String> previous = pdb.getStatus() == null || pdb.getStatus().getDisruptedPods() == null
                ? Map.of() : pdb.getStatus().getDisruptedPods();
        int healthy = 0;
        for (Pod pod : selected) {
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            String name = pod.getMetadata().getName();
            Instant expires = expiry(previous.get(name));
            if (expires != null && expires.isAfter(now)) {
                disrupted.put(name, previous.get(name));
                recheckAt = recheckAt == null || expires.isBefore(recheckAt) ? expires : recheckAt;
                continue;
            }
            if (Pods.ready(pod)) {
                healthy++;
            }
        }
        int allowed = expected <= 0 ? 0 : Math.max(0, healthy - desired);
        PodDisruptionBudgetStatus s = new PodDisruptionBudgetStatus();
        s.setObservedGeneration(pdb.getMetadata().getGeneration());
        s.setExpectedPods(expected);
        s.setDesiredHealthy(desired);
        s.setCurrentHealthy(healthy);
        s.setDisruptionsAllowed(allowed);
        s.setDisruptedPods(disrupted.isEmpty() ? null : disrupted);
        s.setConditions(pdb.getStatus() == null ? null : pdb.getStatus().getConditions());
        s.setConditions(DisruptionBudgets.withAllowedCondition(s, now));
        return new DisruptionStatus(s, recheckAt);
    }

    /**
     * What the controllers keep of a pod (the pods informer's transform): its name, namespace, uid,
     * resourceVersion, labels, deletionTimestamp, phase and Ready condition; not its spec.
     */
    static Pod podView(Pod pod) {
        ObjectMeta m = pod.getMetadata();
        ObjectMeta meta = new ObjectMetaBuilder().withName(m.getName()).withNamespace(m.getNamespace())
                .withUid(m.getUid()).withResourceVersion(m.getResourceVersion()).withLabels(m.getLabels())
                .withDeletionTimestamp(m.getDeletionTimestamp()).build();
        PodStatus status = new PodStatus();
        if (pod.getStatus() != null) {
            status.setPhase(pod.getStatus().getPhase());
            if (pod.getStatus().getConditions() != null) {
                status.setConditions(pod.getStatus().getConditions().stream()
                        .filter(c -> "Ready".equals(c.getType())).toList());
            }
        }
        Pod view = new Pod();
        view.setApiVersion(pod.getApiVersion());
        view.setKind(pod.getKind());
        view.setMetadata(meta);
        view.setStatus(status);
        return view;
    }

    /** True when {@code current} says what {@code status} says (the write can be skipped). */
    static boolean same(PodDisruptionBudgetStatus current, PodDisruptionBudgetStatus status) {
        if (current == null) {
            return false;
        }
        boolean noPods = current.getDisruptedPods() == null || current.getDisruptedPods().isEmpty();
        return Json.sameJson(status, noPods
                ? new PodDisruptionBudgetStatusBuilder(current).withDisruptedPods(null).build() : current);
    }

    private static boolean constrains(PodDisruptionBudget pdb) {
        return pdb.getSpec() != null
                && (pdb.getSpec().getMinAvailable() != null || pdb.getSpec().getMaxUnavailable() != null);
    }

    private static int desiredHealthy(PodDisruptionBudget pdb, int expected) {
        IntOrString min = pdb.getSpec() == null ? null : pdb.getSpec().getMinAvailable();
        IntOrString max = pdb.getSpec() == null ? null : pdb.getSpec().getMaxUnavailable();
        if (max != null) {
            return Math.max(0, expected - scaledUp(max, expected));
        }
        return min == null ? 0 : scaledUp(min, expected);
    }

    /** An int, or a percentage of {@code total} rounded up (kube's {@code GetScaledValueFromIntOrPercent}). */
    private static int scaledUp(IntOrString v, int total) {
        if (v.getIntVal() != null) {
            return v.getIntVal();
        }
        String s = v.getStrVal().trim();
        int pct = Integer.parseInt(s.endsWith("%") ? s.substring(0, s.length() - 1) : s);
        return (int) Math.ceil(total * pct / 100.0);
    }

    /** When an eviction recorded at {@code time} stops holding its pod; null for no (or an unreadable) time. */
    private static Instant expiry(String time) {
        if (time == null) {
            return null;
        }
        try {
            return Instant.parse(time).plus(DELETION_TIMEOUT);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
