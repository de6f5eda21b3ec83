package dev.kapi.apiserver.controllers.batch;

import dev.kapi.apiserver.controllers.batch.JobConditions.Target;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.SuccessPolicy;
import io.fabric8.kubernetes.api.model.batch.v1.SuccessPolicyRule;

import java.util.BitSet;
import java.util.List;

/**
 * A Job's success and failure criteria besides completions and the deadline, as kube's job controller reads
 * them: the backoff limit (container restarts count under OnFailure), the podFailurePolicy
 * ({@link PodFailurePolicies}), and for an Indexed job its failed indexes and its successPolicy.
 */
final class JobCriteria {

    private JobCriteria() {
    }

    static int backoffLimit(JobSpec spec) {
        return spec.getBackoffLimit() == null ? 6 : spec.getBackoffLimit();
    }

    /** kube's {@code pastBackoffLimitOnFailure}: container restarts count as failures under OnFailure. */
    static boolean pastBackoffLimitOnFailure(JobSpec spec, List<Pod> pods) {
        if (spec.getTemplate() == null || spec.getTemplate().getSpec() == null
                || !"OnFailure".equals(spec.getTemplate().getSpec().getRestartPolicy())) {
            return false;
        }
        int restarts = pods.stream().filter(p -> "Running".equals(JobPods.phase(p))
                || "Pending".equals(JobPods.phase(p)) || JobPods.phase(p).isEmpty()).mapToInt(JobPods::restarts).sum();
        return backoffLimit(spec) == 0 ? restarts > 0 : restarts >= backoffLimit(spec);
    }

    /** Whether a failed pod counts against the backoff limit: unless a podFailurePolicy Ignore rule matches. */
    static boolean counts(Job job, Pod pod) {
        return PodFailurePolicies.of(job.getSpec().getPodFailurePolicy(), pod).counts();
    }

    /** kube's {@code getFailJobMessage}: the FailureTarget of the first failed pod a FailJob rule matches. */
    static Target failJob(Job job, List<Pod> pods) {
        if (job.getSpec().getPodFailurePolicy() == null) {
            return null;
        }
        for (Pod pod : pods) {
            if (JobPods.failed(pod, job)) {
                String message = PodFailurePolicies.of(job.getSpec().getPodFailurePolicy(), pod).failJobMessage();
                if (message != null) {
                    return new Target(JobConditions.FAILURE_TARGET, "PodFailurePolicy", message);
                }
            }
        }
        return null;
    }

    /**
     * The failure of an Indexed job with a backoff limit per index: more failed indexes than
     * {@code maxFailedIndexes}, or every index finished and some failed.
     */
    static Target failedIndexes(JobSpec spec, BitSet completed, BitSet failed, int completions) {
        if (spec.getMaxFailedIndexes() != null && failed.cardinality() > spec.getMaxFailedIndexes()) {
            return new Target(JobConditions.FAILURE_TARGET, "MaxFailedIndexesExceeded",
                    "Job has exceeded the specified maximal number of failed indexes");
        }
        BitSet finished = (BitSet) completed.clone();
        finished.or(failed);
        if (failed.cardinality() > 0 && finished.cardinality() >= completions) {
            return new Target(JobConditions.FAILURE_TARGET, "FailedIndexes", "Job has failed indexes");
        }
        return null;
    }

    /**
     * kube's {@code matchSuccessPolicy} for an Indexed job: the first rule met (its indexes all completed, or
     * {@code succeededCount} of them; only a count: that many completed indexes) makes SuccessCriteriaMet.
     */
    static Target successPolicy(Job job, BitSet completed, int completions) {
        SuccessPolicy policy = job.getSpec().getSuccessPolicy();
        if (policy == null || policy.getRules() == null) {
            return null;
        }
        for (int i = 0; i < policy.getRules().size(); i++) {
            SuccessPolicyRule rule = policy.getRules().get(i);
            int met = completed.cardinality();
            int wanted = rule.getSucceededCount() == null ? -1 : rule.getSucceededCount();
            if (rule.getSucceededIndexes() != null) {
                BitSet indexes = CompletedIndexes.parse(rule.getSucceededIndexes(), completions);
                if (wanted < 0) {
                    wanted = indexes.cardinality();
                }
                indexes.and(completed);
                met = indexes.cardinality();
            }
            if (wanted >= 0 && met >= wanted) {
                return new Target(JobConditions.SUCCESS_CRITERIA_MET, "SuccessPolicy", "Matched rules at index " + i);
            }
        }
        return null;
    }
}
