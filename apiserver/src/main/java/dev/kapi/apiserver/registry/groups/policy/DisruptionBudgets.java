package dev.kapi.apiserver.registry.groups.policy;

import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.api.selection.LabelSelector;
import dev.kapi.apiserver.api.selection.SelectorSyntaxException;
import dev.kapi.apiserver.registry.core.Pods;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatusBuilder;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What the eviction subresource and the disruption controller agree on about a PodDisruptionBudget: which pods
 * it selects, which pods count as healthy, its {@code DisruptionAllowed} condition, and the eviction's
 * verify-and-decrement of {@code status.disruptionsAllowed} (kube's {@code checkAndDecrement}). The eviction
 * trusts the status the controller keeps; it computes nothing itself.
 */
public final class DisruptionBudgets {

    /** kube's {@code MaxDisruptedPodSize}: evictions not yet seen by the controller that a budget may hold. */
    public static final int MAX_DISRUPTED_PODS = 2000;
    public static final String TOO_MANY = "Cannot evict pod as it would violate the pod's disruption budget.";
    /** The condition kube's disruption controller keeps, and its reasons. */
    public static final String DISRUPTION_ALLOWED = "DisruptionAllowed";
    public static final String SUFFICIENT_PODS = "SufficientPods";
    public static final String INSUFFICIENT_PODS = "InsufficientPods";
    private static final String CAUSE = "DisruptionBudget";
    private static final GroupResource RESOURCE = new GroupResource("policy", "poddisruptionbudget");

    private DisruptionBudgets() {
    }

    /**
     * Whether the budget selects the pod (same namespace, selector matches its labels). A budget without a
     * selector, an empty or an invalid one, selects nothing: kube's "should match nothing, not everything".
     */
    public static boolean selects(PodDisruptionBudget pdb, Pod pod) {
        return selector(pdb).test(pod);
    }

    /** {@link #selects} for many pods, the budget's selector parsed once. */
    public static Predicate<Pod> selector(PodDisruptionBudget pdb) {
        if (pdb.getSpec() == null || pdb.getSpec().getSelector() == null) {
            return pod -> false;
        }
        LabelSelector selector;
        try {
            selector = LabelSelector.fromObject(pdb.getSpec().getSelector());
        } catch (SelectorSyntaxException e) {
            return pod -> false;
        }
        if (selector.isEmpty()) {
            return pod -> false;
        }
        String namespace = pdb.getMetadata().getNamespace();
        return pod -> Objects.equals(namespace, pod.getMetadata().getNamespace())
                && selector.matches(pod.getMetadata().getLabels());
    }

    /**
     * kube's {@code canIgnorePDB}: a pod that is Pending, Succeeded, Failed or already being deleted is
     * evicted without looking at budgets.
     */
    public static boolean canIgnoreBudgets(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase) || "Pending".equals(phase)
                || pod.getMetadata().getDeletionTimestamp() != null;
    }

    /**
     * kube's {@code shouldEnforceResourceVersion}: a pod deleted without a budget check is deleted at the version
     * looked at unless it is finished or already being deleted (it might turn Ready and count meanwhile).
     */
    public static boolean shouldEnforceResourceVersion(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return !"Succeeded".equals(phase) && !"Failed".equals(phase) && pod.getMetadata().getDeletionTimestamp() == null;
    }

    /**
     * Whether a pod that is not Ready may go without using a disruption: its budget says AlwaysAllow, or the
     * budget has the healthy pods it wants (kube's unhealthy pod eviction policy, IfHealthyBudget by default).
     */
    public static boolean unhealthyMayGo(PodDisruptionBudget pdb, Pod pod) {
        if (Pods.ready(pod)) {
            return false;
        }
        if ("AlwaysAllow".equals(pdb.getSpec().getUnhealthyPodEvictionPolicy())) {
            return true;
        }
        PodDisruptionBudgetStatus s = status(pdb);
        return value(s.getCurrentHealthy()) >= value(s.getDesiredHealthy()) && value(s.getDesiredHealthy()) > 0;
    }

    /**
     * kube's {@code checkAndDecrement}: refuses the eviction of {@code podName} unless the budget's status,
     * as its controller last wrote it, allows a disruption; else returns the status with one disruption
     * less and the pod among the disrupted ones (the controller then no longer counts it as healthy).
     */
    public static PodDisruptionBudgetStatus checkAndDecrement(PodDisruptionBudget pdb, String podName, Instant now) {
        PodDisruptionBudgetStatus s = status(pdb);
        String name = pdb.getMetadata().getName();
        if (value(s.getObservedGeneration()) < value(pdb.getMetadata().getGeneration())) {
            throw StatusError.tooManyRequests(TOO_MANY, 10, CAUSE,
                    "The disruption budget " + name + " is still being processed by the server.");
        }
        if (value(s.getDisruptionsAllowed()) < 0) {
            throw StatusError.forbidden(RESOURCE, name, "pdb disruptions allowed is negative");
        }
        Map<String, String> disrupted = s.getDisruptedPods() == null ? Map.of() : s.getDisruptedPods();
        if (disrupted.size() > MAX_DISRUPTED_PODS) {
            throw StatusError.forbidden(RESOURCE, name,
                    "DisruptedPods map too big - too many evictions not confirmed by PDB controller");
        }
        if (value(s.getDisruptionsAllowed()) == 0) {
            throw StatusError.tooManyRequests(TOO_MANY, 0, CAUSE, "The disruption budget " + name + " needs "
                    + value(s.getDesiredHealthy()) + " healthy pods and has " + value(s.getCurrentHealthy())
                    + " currently");
        }
        PodDisruptionBudgetStatus next = new PodDisruptionBudgetStatusBuilder(s).build();
        next.setDisruptionsAllowed((int) value(s.getDisruptionsAllowed()) - 1);
        if (next.getDisruptionsAllowed() == 0) {
            next.setConditions(withAllowedCondition(next, now));
        }
        Map<String, String> pods = new LinkedHashMap<>(disrupted);
        pods.put(podName, now.truncatedTo(ChronoUnit.SECONDS).toString());
        next.setDisruptedPods(pods);
        return next;
    }

    /**
     * The conditions with {@code DisruptionAllowed} set from {@code status.disruptionsAllowed} (kube's
     * {@code UpdateDisruptionAllowedCondition}): its transition time moves only when its status changes.
     */
    public static List<Condition> withAllowedCondition(PodDisruptionBudgetStatus s, Instant now) {
        boolean allowed = value(s.getDisruptionsAllowed()) > 0;
        String state = allowed ? "True" : "False";
        List<Condition> out = new ArrayList<>();
        Condition previous = null;
        for (Condition c : s.getConditions() == null ? List.<Condition>of() : s.getConditions()) {
            if (DISRUPTION_ALLOWED.equals(c.getType())) {
                previous = c;
            } else {
                out.add(c);
            }
        }
        Condition c = new Condition();
        c.setType(DISRUPTION_ALLOWED);
        c.setStatus(state);
        c.setReason(allowed ? SUFFICIENT_PODS : INSUFFICIENT_PODS);
        c.setMessage("");
        c.setObservedGeneration(s.getObservedGeneration());
        c.setLastTransitionTime(previous != null && state.equals(previous.getStatus())
                && previous.getLastTransitionTime() != null ? previous.getLastTransitionTime()
                : now.truncatedTo(ChronoUnit.SECONDS).toString());
        out.add(c);
        return out;
    }

    private static PodDisruptionBudgetStatus status(PodDisruptionBudget pdb) {
        return pdb.getStatus() == null ? new PodDisruptionBudgetStatus() : pdb.getStatus();
    }

    private static long value(Number n) {
        return n == null ? 0 : n.longValue();
    }
}
