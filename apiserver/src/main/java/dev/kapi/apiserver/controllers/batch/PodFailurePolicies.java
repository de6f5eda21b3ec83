package dev.kapi.apiserver.controllers.batch;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicy;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyOnExitCodesRequirement;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyOnPodConditionsPattern;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;

import java.util.List;

/**
 * A Job's {@code spec.podFailurePolicy} applied to a failed pod (kube's {@code matchPodFailurePolicy}): the
 * first rule whose exit codes (a container terminated with a non-zero code, In or NotIn the values) or pod
 * conditions match decides: {@code FailJob} fails the job with the rule's message, {@code Ignore} does not
 * count the pod, {@code Count} (and no match) counts it, {@code FailIndex} counts it and fails its index
 * (with {@code backoffLimitPerIndex}).
 */
final class PodFailurePolicies {

    /** What the policy says of a failed pod: whether it counts, and the job failure message of a FailJob rule. */
    record Verdict(boolean counts, String failJobMessage, boolean failIndex) {
    }

    static final Verdict COUNT = new Verdict(true, null, false);

    private PodFailurePolicies() {
    }

    static Verdict of(PodFailurePolicy policy, Pod pod) {
        if (policy == null || policy.getRules() == null) {
            return COUNT;
        }
        List<PodFailurePolicyRule> rules = policy.getRules();
        for (int i = 0; i < rules.size(); i++) {
            PodFailurePolicyRule rule = rules.get(i);
            String what = rule.getOnExitCodes() != null ? exitCodeMatch(rule.getOnExitCodes(), pod)
                    : conditionMatch(rule.getOnPodConditions(), pod);
            if (what == null) {
                continue;
            }
            return switch (rule.getAction()) {
                case "Ignore" -> new Verdict(false, null, false);
                case "FailJob" -> new Verdict(true, what + " matching FailJob rule at index " + i, false);
                case "FailIndex" -> new Verdict(true, null, true);
                default -> COUNT;
            };
        }
        return COUNT;
    }

    /** "Container c for pod ns/p failed with exit code n", for the first container that matches; else null. */
    private static String exitCodeMatch(PodFailurePolicyOnExitCodesRequirement req, Pod pod) {
        if (pod.getStatus() == null) {
            return null;
        }
        for (List<ContainerStatus> statuses : List.of(JobPods.nz(pod.getStatus().getContainerStatuses()),
                JobPods.nz(pod.getStatus().getInitContainerStatuses()))) {
            for (ContainerStatus s : statuses) {
                if (s.getState() == null || s.getState().getTerminated() == null
                        || (req.getContainerName() != null && !req.getContainerName().equals(s.getName()))) {
                    continue;
                }
                Integer code = s.getState().getTerminated().getExitCode();
                if (code == null || code == 0) {
                    continue;
                }
                boolean in = JobPods.nz(req.getValues()).contains(code);
                if (in == "In".equals(req.getOperator())) {
                    return "Container " + s.getName() + " for pod " + pod.getMetadata().getNamespace() + "/"
                            + pod.getMetadata().getName() + " failed with exit code " + code;
                }
            }
        }
        return null;
    }

    /** "Pod ns/p has condition T", for the first pattern a condition of the pod matches; else null. */
    private static String conditionMatch(List<PodFailurePolicyOnPodConditionsPattern> patterns, Pod pod) {
        if (pod.getStatus() == null) {
            return null;
        }
        for (PodFailurePolicyOnPodConditionsPattern p : JobPods.nz(patterns)) {
            String status = p.getStatus() == null ? "True" : p.getStatus();
            for (PodCondition c : JobPods.nz(pod.getStatus().getConditions())) {
                if (p.getType().equals(c.getType()) && status.equals(c.getStatus())) {
                    return "Pod " + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName()
                            + " has condition " + p.getType();
                }
            }
        }
        return null;
    }
}
