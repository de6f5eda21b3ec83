package dev.kapi.apiserver.controllers.batch;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;

import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The failures of each index of an Indexed job with {@code backoffLimitPerIndex} (kube's backoff limit per
 * index): a pod of an index carries the failures of that index before it in its
 * {@code batch.kubernetes.io/job-index-failure-count} annotation, so an index has failed as often as its
 * latest failed pod says plus that pod; an index failing more often than the limit (or whose pod a FailIndex
 * rule matched) is failed for good ({@code status.failedIndexes}) and gets no more pods.
 */
final class IndexFailures {

    static final String FAILURE_COUNT = "batch.kubernetes.io/job-index-failure-count";

    private final Map<Integer, Integer> counts = new HashMap<>();
    final BitSet failed;

    private IndexFailures(BitSet failed) {
        this.failed = failed;
    }

    /** The job's index failures, from its status and pods; null unless it has a backoff limit per index. */
    static IndexFailures of(Job job, JobStatus status, List<Pod> pods, int completions) {
        Integer limit = job.getSpec().getBackoffLimitPerIndex();
        if (limit == null || completions < 0) {
            return null;
        }
        IndexFailures f = new IndexFailures(CompletedIndexes.parse(status.getFailedIndexes(), completions));
        for (Pod pod : pods) {
            int ix = JobPods.index(pod);
            if (ix < 0 || ix >= completions) {
                continue;
            }
            boolean failedPod = !JobPods.succeeded(pod) && JobPods.failed(pod, job);
            PodFailurePolicies.Verdict verdict = failedPod
                    ? PodFailurePolicies.of(job.getSpec().getPodFailurePolicy(), pod) : PodFailurePolicies.COUNT;
            int n = annotated(pod) + (failedPod && verdict.counts() ? 1 : 0);
            f.counts.merge(ix, n, Math::max);
            if (n > limit || (failedPod && verdict.failIndex())) {
                f.failed.set(ix);
            }
        }
        return f;
    }

    /** How many times the index failed so far: what its next pod carries. */
    int count(int index) {
        return counts.getOrDefault(index, 0);
    }

    private static int annotated(Pod pod) {
        String v = JobPods.nz(pod.getMetadata().getAnnotations()).get(FAILURE_COUNT);
        try {
            return v == null ? 0 : Math.max(0, Integer.parseInt(v));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
