package dev.kapi.apiserver.controllers.batch;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One sync of one CronJob, as kube's {@code syncCronJob} and {@code cleanupFinishedJobs}; it changes the
 * status of the (copied) CronJob it is given, which its controller writes.
 */
final class CronJobSync {

    private final CronJob cj;
    private final List<Job> owned;
    private final Store<Job> jobStore;
    private final WritePipeline writes;
    private final ZoneId defaultZone;
    private final Instant now;

    CronJobSync(CronJob cj, List<Job> owned, Store<Job> jobStore, WritePipeline writes, ZoneId defaultZone,
                Instant now) {
        this.cj = cj;
        this.owned = owned;
        this.jobStore = jobStore;
        this.writes = writes;
        this.defaultZone = defaultZone;
        this.now = now;
    }

    /** Syncs the CronJob; returns how long until its next schedule time (null: none to wait for). */
    Duration run() {
        CronJobStatus status = cj.getStatus();
        List<ObjectReference> active = new ArrayList<>(JobPods.nz(status.getActive()));
        Set<String> children = new HashSet<>();
        for (Job job : owned) {
            children.add(job.getMetadata().getUid());
            if (JobConditions.finished(job)) {
                active.removeIf(ref -> job.getMetadata().getUid().equals(ref.getUid()));
            }
            if (CronJobs.succeeded(job) && job.getStatus().getCompletionTime() != null) {
                Instant done = Owners.instant(job.getStatus().getCompletionTime());
                Instant last = Owners.instant(status.getLastSuccessfulTime());
                if (last == null || done.isAfter(last)) {
                    status.setLastSuccessfulTime(job.getStatus().getCompletionTime());
                }
            }
        }
        active.removeIf(ref -> !children.contains(ref.getUid()) && gone(ref));
        status.setActive(active);
        CronJobSpec spec = cj.getSpec();
        if (Owners.deleting(cj) || Boolean.TRUE.equals(spec.getSuspend())) {
            return null;
        }
        ZoneId zone;
        CronSpec schedule;
        try {
            zone = spec.getTimeZone() == null || spec.getTimeZone().isEmpty() ? defaultZone
                    : ZoneId.of(spec.getTimeZone());
            schedule = CronSpec.parse(spec.getSchedule(), zone);
        } catch (DateTimeException | IllegalArgumentException e) {
            return null; // kube: events UnknownTimeZone, UnparseableSchedule; nothing until the spec changes
        }
        CronJobs.Unmet unmet = CronJobs.mostRecent(cj, schedule, now);
        Instant next = schedule.next(unmet.time() != null ? unmet.time() : now);
        Duration untilNext = next == null ? null : Duration.between(now, next).plusMillis(100);
        Instant scheduled = unmet.time();
        if (scheduled == null) {
            return untilNext;
        }
        Long deadline = spec.getStartingDeadlineSeconds();
        if (deadline != null && scheduled.plusSeconds(deadline).isBefore(now)) {
            return untilNext; // kube: event MissSchedule
        }
        String name = CronJobs.jobName(cj, scheduled);
        if (active.stream().anyMatch(r -> name.equals(r.getName()))
                || scheduled.equals(Owners.instant(status.getLastScheduleTime()))) {
            return untilNext;
        }
        if ("Forbid".equals(spec.getConcurrencyPolicy()) && !active.isEmpty()) {
            return untilNext; // kube: event JobAlreadyActive
        }
        if ("Replace".equals(spec.getConcurrencyPolicy())) {
            for (ObjectReference ref : List.copyOf(active)) {
                delete(ref.getName(), ref.getUid());
                active.remove(ref);
            }
        }
        Job created = create(CronJobs.job(cj, scheduled, zone));
        if (created == null) {
            return untilNext;
        }
        active.add(CronJobs.reference(created));
        status.setLastScheduleTime(Owners.time(scheduled));
        return untilNext;
    }

    /** kube's {@code cleanupFinishedJobs}: deletes the oldest finished jobs beyond each history limit. */
    void deleteBeyondHistoryLimits() {
        CronJobSpec spec = cj.getSpec();
        List<Job> succeeded = owned.stream().filter(CronJobs::succeeded).toList();
        List<Job> failed = owned.stream().filter(j -> JobConditions.isTrue(j.getStatus(), JobConditions.FAILED))
                .toList();
        List<Job> doomed = new ArrayList<>(CronJobs.beyondLimit(succeeded, spec.getSuccessfulJobsHistoryLimit()));
        doomed.addAll(CronJobs.beyondLimit(failed, spec.getFailedJobsHistoryLimit()));
        for (Job job : doomed) {
            if (!Owners.deleting(job)) {
                delete(job.getMetadata().getName(), job.getMetadata().getUid());
            }
            cj.getStatus().getActive().removeIf(ref -> job.getMetadata().getUid().equals(ref.getUid()));
        }
    }

    /** The job is created, or was already by this controller (a status write lost); null when not. */
    private Job create(Job job) {
        String namespace = cj.getMetadata().getNamespace();
        try {
            return writes.create(WriteScope.of(jobStore, namespace, CronJobController.USER), job,
                    OperationOptions.create());
        } catch (StatusError e) {
            if (e.code() != 409) {
                throw e;
            }
            Job existing = jobStore.get(namespace, job.getMetadata().getName());
            return Owners.controlledBy(existing, "CronJob", cj.getMetadata().getUid()) ? existing : null;
        }
    }

    private void delete(String name, String uid) {
        try {
            writes.delete(WriteScope.of(jobStore, cj.getMetadata().getNamespace(), CronJobController.USER), name,
                    CronJobController.background(uid));
        } catch (StatusError e) {
            if (e.code() != 404 && e.code() != 409) {
                throw e;
            }
        }
    }

    /** Whether the job an active reference names is gone (or replaced by a namesake). */
    private boolean gone(ObjectReference ref) {
        try {
            Job job = jobStore.get(cj.getMetadata().getNamespace(), ref.getName());
            return !job.getMetadata().getUid().equals(ref.getUid());
        } catch (StatusError e) {
            if (e.code() == 404) {
                return true;
            }
            throw e;
        }
    }
}
