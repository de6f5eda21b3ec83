package dev.kapi.apiserver.controllers.batch;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.controllers.batch.JobConditions.Target;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.UncountedTerminatedPods;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One sync of one Job, as kube's {@code syncJob} (1.32): counts its pods, decides whether it met its success
 * or failure criteria (completions, backoffLimit, activeDeadlineSeconds, podFailurePolicy), runs, creates or
 * deletes pods ({@link JobPodManager}), handles {@code suspend}, and tracks finished pods with finalizers: a finished pod's
 * uid goes to {@code status.uncountedTerminatedPods} first, then its finalizer is removed, then it moves to
 * the {@code succeeded}/{@code failed} counters, so that no pod is counted twice or lost. {@code Complete} or
 * {@code Failed} follows {@code SuccessCriteriaMet} or {@code FailureTarget} once no pod is left running or
 * terminating.
 */
final class JobSync {

    /** kube's {@code MaxUncountedPods}: the status holds at most this many uncounted uids. */
    static final int MAX_UNCOUNTED = 500;

    private final String key;
    private final Job job;
    private final List<Pod> pods;
    private final JobWrites writes;
    private final Expectations expectations;
    private final JobBackoff backoff;
    private final JobPodManager manager;
    private final Instant now;
    private Duration requeue;

    JobSync(String key, Job job, List<Pod> pods, JobWrites writes, Expectations expectations, JobBackoff backoff,
            JobPodManager manager, Instant now) {
        this.key = key;
        this.job = job;
        this.pods = pods;
        this.writes = writes;
        this.expectations = expectations;
        this.backoff = backoff;
        this.manager = manager;
        this.now = now;
    }

    /** Syncs the job; returns when to look at it again without an event (null: at the next event). */
    Duration run() {
        if (JobConditions.finished(job) || Owners.deleting(job)) {
            pods.stream().filter(this::tracked).forEach(writes::removeFinalizer);
            return null;
        }
        JobSpec spec = job.getSpec();
        JobStatus status = Owners.copy(job.getStatus() == null ? new JobStatus() : job.getStatus(), JobStatus.class);
        boolean suspended = Boolean.TRUE.equals(spec.getSuspend());
        boolean indexed = "Indexed".equals(spec.getCompletionMode());
        int completions = spec.getCompletions() == null ? -1 : spec.getCompletions();
        List<Pod> active = pods.stream().filter(JobPods::active).toList();
        int terminating = (int) pods.stream().filter(JobPods::terminating).count();
        int ready = (int) active.stream().filter(JobPods::ready).count();
        Set<String> uncountedSucceeded = new LinkedHashSet<>(uncounted(status).getSucceeded());
        Set<String> uncountedFailed = new LinkedHashSet<>(uncounted(status).getFailed());
        int newSucceeded = 0;
        int newFailed = 0;
        for (Pod pod : pods) {
            String uid = pod.getMetadata().getUid();
            if (!tracked(pod) || uncountedSucceeded.contains(uid) || uncountedFailed.contains(uid)) {
                continue;
            }
            newSucceeded += JobPods.succeeded(pod) ? 1 : 0;
            newFailed += !JobPods.succeeded(pod) && JobPods.failed(pod, job) && JobCriteria.counts(job, pod) ? 1 : 0;
        }
        int succeeded = count(status.getSucceeded()) + newSucceeded + uncountedSucceeded.size();
        int failed = count(status.getFailed()) + newFailed + uncountedFailed.size();
        if (status.getStartTime() == null && !suspended) {
            status.setStartTime(Owners.time(now));
        }
        backoff.record(key, newSucceeded, newFailed, now);

        Target finishing = JobConditions.interim(status);
        if (finishing == null) {
            finishing = JobCriteria.failJob(job, pods);
        }
        if (finishing == null) {
            if (failed > JobCriteria.backoffLimit(spec) || JobCriteria.pastBackoffLimitOnFailure(spec, pods)) {
                finishing = JobConditions.BACKOFF_LIMIT_EXCEEDED;
            } else if (spec.getActiveDeadlineSeconds() != null && status.getStartTime() != null && !suspended) {
                Instant deadline = Owners.instant(status.getStartTime()).plusSeconds(spec.getActiveDeadlineSeconds());
                if (!now.isBefore(deadline)) {
                    finishing = JobConditions.DEADLINE_EXCEEDED;
                } else {
                    requeueAfter(Duration.between(now, deadline));
                }
            }
        }
        BitSet completed = indexed ? completedIndexes(status, completions) : null;
        IndexFailures failures = indexed ? IndexFailures.of(job, status, pods, completions) : null;
        if (indexed) {
            succeeded = completed.cardinality();
            if (finishing == null && failures != null) {
                finishing = JobCriteria.failedIndexes(spec, completed, failures.failed, completions);
            }
            if (finishing == null) {
                finishing = JobCriteria.successPolicy(job, completed, completions);
            }
            if (failures != null) {
                String text = CompletedIndexes.format(failures.failed);
                status.setFailedIndexes(text.isEmpty() ? null : text);
            }
        }
        int activeCount;
        if (finishing != null) {
            int deleted = manager.delete(active, false);
            activeCount = active.size() - deleted;
            terminating += deleted;
            ready -= manager.deletedReady;
        } else {
            activeCount = manage(active, terminating, succeeded, completed, failures, completions, suspended);
            ready -= manager.deletedReady;
            boolean complete = activeCount == 0 && (completions < 0 ? succeeded > 0 : succeeded >= completions);
            if (complete) {
                finishing = JobConditions.COMPLETIONS_REACHED;
            } else if (suspended) {
                if (JobConditions.set(status, new Target(JobConditions.SUSPENDED, "JobSuspended", "Job suspended"),
                        "True", now)) {
                    writes.event(job, "Normal", "Suspended", "Job suspended");
                }
            } else if (JobConditions.set(status, new Target(JobConditions.SUSPENDED, "JobResumed", "Job resumed"),
                    "False", now)) {
                writes.event(job, "Normal", "Resumed", "Job resumed");
                status.setStartTime(Owners.time(now)); // kube: the deadline counts from the resume
            }
        }
        status.setActive(activeCount == 0 ? null : activeCount);
        status.setReady(ready);
        status.setTerminating(terminating);
        track(status, finishing, terminating, indexed ? completed : null, completions, uncountedSucceeded,
                uncountedFailed);
        return requeue;
    }

    /** kube's {@code manageJob}: the pods to run, after a back-off when pods failed; returns the active count. */
    private int manage(List<Pod> active, int terminating, int succeeded, BitSet completed, IndexFailures failures,
                       int completions, boolean suspended) {
        if (suspended) {
            return active.size() - manager.delete(active, true);
        }
        int parallelism = job.getSpec().getParallelism() == null ? 1 : job.getSpec().getParallelism();
        BitSet done = completed == null ? null : (BitSet) completed.clone();
        if (failures != null) {
            done.or(failures.failed);
        }
        int finished = done == null ? succeeded : done.cardinality();
        int wantActive = completions < 0 ? (succeeded > 0 ? active.size() : parallelism)
                : Math.max(0, Math.min(completions - finished, parallelism));
        Duration wait = backoff.remaining(key, now);
        boolean mayCreate = wait.isZero();
        if (!mayCreate && active.size() < wantActive) {
            requeueAfter(wait);
        }
        // podReplacementPolicy Failed: a terminating pod is replaced once it failed, not before
        int held = "Failed".equals(job.getSpec().getPodReplacementPolicy()) ? terminating : 0;
        if (completed != null) {
            return manager.scaleIndexed(active, done, failures, completions, wantActive, held, mayCreate);
        }
        return manager.scale(active, wantActive, held, mayCreate);
    }

    /**
     * kube's {@code trackJobStatusAndRemoveFinalizers}: records finished pods as uncounted, writes the status,
     * removes their finalizers, moves them to the counters and adds the final condition when due, writing the
     * status again if that changed it.
     */
    private void track(JobStatus status, Target finishing, int terminating, BitSet completed, int completions,
                       Set<String> uncountedSucceeded, Set<String> uncountedFailed) {
        Set<String> withFinalizer = new HashSet<>();
        pods.stream().filter(this::tracked).forEach(p -> withFinalizer.add(p.getMetadata().getUid()));
        countWithoutFinalizers(status, uncountedSucceeded, uncountedFailed, withFinalizer);
        List<Pod> toRemove = new ArrayList<>();
        for (Pod pod : pods) {
            String uid = pod.getMetadata().getUid();
            boolean failed = JobPods.failed(pod, job);
            if (!tracked(pod) || !(finishing != null || JobPods.succeeded(pod) || failed)) {
                continue;
            }
            toRemove.add(pod);
            int ix = JobPods.index(pod);
            boolean validIndex = completed == null || (ix >= 0 && ix < completions);
            if (JobPods.succeeded(pod) && !uncountedFailed.contains(uid)) {
                if (completed == null) {
                    uncountedSucceeded.add(uid);
                }
            } else if ((failed || (finishing != null && !JobConditions.SUCCESS_CRITERIA_MET.equals(finishing.type())))
                    && validIndex && (!failed || JobCriteria.counts(job, pod))) {
                uncountedFailed.add(uid);
            }
            if (uncountedSucceeded.size() + uncountedFailed.size() >= MAX_UNCOUNTED) {
                break;
            }
        }
        if (completed != null) {
            String text = CompletedIndexes.format(completed);
            status.setCompletedIndexes(text.isEmpty() ? null : text);
            status.setSucceeded(completed.cardinality() == 0 ? null : completed.cardinality());
        }
        Target terminal = null;
        if (finishing != null) {
            JobConditions.set(status, finishing, "True", now);
            terminal = JobConditions.terminal(finishing);
        }
        setUncounted(status, uncountedSucceeded, uncountedFailed);
        Job written = flush(job, status);
        for (Pod pod : toRemove) {
            manager.removeFinalizer(pod);
            withFinalizer.remove(pod.getMetadata().getUid());
        }
        countWithoutFinalizers(status, uncountedSucceeded, uncountedFailed, withFinalizer);
        setUncounted(status, uncountedSucceeded, uncountedFailed);
        boolean finishes = terminal != null && uncountedSucceeded.isEmpty() && uncountedFailed.isEmpty()
                && terminating == 0;
        if (finishes) {
            JobConditions.set(status, terminal, "True", now);
            if (JobConditions.COMPLETE.equals(terminal.type())) {
                status.setCompletionTime(Owners.time(now));
            }
        }
        flush(written, status);
        if (finishes && JobConditions.COMPLETE.equals(terminal.type())) {
            writes.event(job, "Normal", "Completed", "Job completed");
        } else if (finishes) {
            writes.event(job, "Warning", terminal.reason(), terminal.message());
        }
    }

    /** Writes the status when it differs from the job's; returns the job as it is now. */
    private Job flush(Job current, JobStatus status) {
        if (Json.tree(status).equals(Json.tree(current.getStatus()))) {
            return current;
        }
        return writes.updateStatus(current, Owners.copy(status, JobStatus.class));
    }

    /** kube's {@code cleanUncountedPodsWithoutFinalizers}: uncounted pods without a finalizer are counted. */
    private static void countWithoutFinalizers(JobStatus status, Set<String> succeeded, Set<String> failed,
                                               Set<String> withFinalizer) {
        int s = succeeded.size();
        int f = failed.size();
        succeeded.retainAll(withFinalizer);
        failed.retainAll(withFinalizer);
        int n = count(status.getSucceeded()) + s - succeeded.size(); // none for an Indexed job: it counts indexes
        status.setSucceeded(n == 0 ? null : n);
        n = count(status.getFailed()) + f - failed.size();
        status.setFailed(n == 0 ? null : n);
    }

    private static void setUncounted(JobStatus status, Set<String> succeeded, Set<String> failed) {
        status.setUncountedTerminatedPods(new UncountedTerminatedPods(
                failed.isEmpty() ? null : new ArrayList<>(failed), succeeded.isEmpty() ? null : new ArrayList<>(succeeded)));
    }

    /** The completed indexes of the status, and those of succeeded pods. */
    private BitSet completedIndexes(JobStatus status, int completions) {
        BitSet set = CompletedIndexes.parse(status.getCompletedIndexes(), completions);
        for (Pod pod : pods) {
            int ix = JobPods.index(pod);
            if (JobPods.succeeded(pod) && ix >= 0 && ix < completions) {
                set.set(ix);
            }
        }
        return set;
    }

    /** A pod whose tracking finalizer is on and not being removed by this controller. */
    private boolean tracked(Pod pod) {
        return JobPods.hasTrackingFinalizer(pod) && !expectations.finalizerRemovalPending(key, pod.getMetadata().getUid());
    }

    private static UncountedTerminatedPods uncounted(JobStatus status) {
        UncountedTerminatedPods u = status.getUncountedTerminatedPods();
        return new UncountedTerminatedPods(u == null || u.getFailed() == null ? List.of() : u.getFailed(),
                u == null || u.getSucceeded() == null ? List.of() : u.getSucceeded());
    }

    private void requeueAfter(Duration d) {
        if (requeue == null || d.compareTo(requeue) < 0) {
            requeue = d;
        }
    }

    static int count(Integer n) {
        return n == null ? 0 : n;
    }
}
