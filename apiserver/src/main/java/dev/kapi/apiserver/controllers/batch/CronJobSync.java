package dev.kapi.apiserver.controllers.batch;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.controllers.EventRecorder;
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
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One sync of one CronJob, as kube's {@code syncCronJob} and {@code cleanupFinishedJobs}; it changes the
 * status of the (copied) CronJob it is given, which its controller writes.
 */
final class CronJobSync {

    /** Go's {@code time.RFC1123Z}, in UTC as kube formats a missed time. */
    private static final DateTimeFormatter RFC1123Z = DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.US).withZone(ZoneOffset.UTC);

    private final CronJob cj;
    private final List<Job> owned;
    private final Store<Job> jobStore;
    private final WritePipeline writes;
    private final ZoneId defaultZone;
    private final Instant now;
    private final EventRecorder events;
    private final Map<String, String> notices;

    /**
     * @param notices per CronJob uid, the last repeated warning recorded (MissSchedule, JobAlreadyActive, ...),
     *                and per CronJob uid and job uid an UnexpectedJob recorded:
     *                kube's event correlator turns repeats into a count; here they are recorded once
     */
    CronJobSync(CronJob cj, List<Job> owned, Store<Job> jobStore, WritePipeline writes, ZoneId defaultZone,
                Instant now, EventRecorder events, Map<String, String> notices) {
        this.events = events;
        this.notices = notices;
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
            if (JobConditions.finished(job)
                    && active.removeIf(ref -> job.getMetadata().getUid().equals(ref.getUid()))) {
                event("Normal", "SawCompletedJob", "Saw completed job: " + job.getMetadata().getName()
                        + ", condition: " + (CronJobs.succeeded(job) ? JobConditions.COMPLETE : JobConditions.FAILED));
            }
            if (CronJobs.succeeded(job) && job.getStatus().getCompletionTime() != null) {
                Instant done = Owners.instant(job.getStatus().getCompletionTime());
                Instant last = Owners.instant(status.getLastSuccessfulTime());
                if (last == null || done.isAfter(last)) {
                    status.setLastSuccessfulTime(job.getStatus().getCompletionTime());
                }
            }
        }
        for (Job job : unlistedRunning(cj, owned)) {
            notice(cj.getMetadata().getUid() + "/" + job.getMetadata().getUid(), "UnexpectedJob",
                    "Saw a job that the controller did not create or forgot: " + job.getMetadata().getName());
        }
        for (ObjectReference ref : List.copyOf(active)) {
            if (!children.contains(ref.getUid()) && gone(ref)) {
                active.remove(ref);
                event("Normal", "MissingJob", "Active job went missing: " + ref.getName());
            }
        }
        status.setActive(active);
        CronJobSpec spec = cj.getSpec();
        if (Owners.deleting(cj) || Boolean.TRUE.equals(spec.getSuspend())) {
            return null;
        }
        ZoneId zone;
        try {
            zone = spec.getTimeZone() == null || spec.getTimeZone().isEmpty() ? defaultZone
                    : ZoneId.of(spec.getTimeZone());
        } catch (DateTimeException e) {
            notice("UnknownTimeZone", "invalid timeZone: \"" + spec.getTimeZone() + "\": unknown time zone "
                    + spec.getTimeZone());
            return null; // nothing until the spec changes
        }
        CronSpec schedule;
        try {
            schedule = CronSpec.parse(spec.getSchedule(), zone);
        } catch (IllegalArgumentException e) {
            notice("UnparseableSchedule", "unparseable schedule: \"" + spec.getSchedule() + "\" : " + e.getMessage());
            return null;
        }
        CronJobs.Unmet unmet = CronJobs.mostRecent(cj, schedule, now);
        if (unmet.missed() > CronJobs.MANY_MISSED) {
            notice("TooManyMissedTimes", "too many missed start times: " + unmet.missed()
                    + ". Set or decrease .spec.startingDeadlineSeconds or check clock skew");
        }
        Instant next = schedule.next(unmet.time() != null ? unmet.time() : now);
        Duration untilNext = next == null ? null : Duration.between(now, next).plusMillis(100);
        Instant scheduled = unmet.time();
        if (scheduled == null) {
            return untilNext;
        }
        Long deadline = spec.getStartingDeadlineSeconds();
        if (deadline != null && scheduled.plusSeconds(deadline).isBefore(now)) {
            notice("MissSchedule", "Missed scheduled time to start a job: " + RFC1123Z.format(scheduled));
            return untilNext;
        }
        String name = CronJobs.jobName(cj, scheduled);
        if (active.stream().anyMatch(r -> name.equals(r.getName()))
                || scheduled.equals(Owners.instant(status.getLastScheduleTime()))) {
            return untilNext;
        }
        if ("Forbid".equals(spec.getConcurrencyPolicy()) && !active.isEmpty()) {
            notice("JobAlreadyActive", "Not starting job because prior execution is running and concurrency "
                    + "policy is Forbid");
            return untilNext;
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

    /**
     * The jobs of {@code owned} that have not finished, are not being deleted, and that the CronJob's
     * {@code status.active} does not list.
     */
    static List<Job> unlistedRunning(CronJob cj, List<Job> owned) {
        Set<String> listed = new HashSet<>();
        if (cj.getStatus() != null) {
            JobPods.nz(cj.getStatus().getActive()).forEach(ref -> listed.add(ref.getUid()));
        }
        return owned.stream().filter(job -> !JobConditions.finished(job) && !Owners.deleting(job)
                && !listed.contains(job.getMetadata().getUid())).toList();
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
            Job created = writes.create(WriteScope.of(jobStore, namespace, CronJobController.USER), job,
                    OperationOptions.create());
            event("Normal", "SuccessfulCreate", "Created job " + created.getMetadata().getName());
            return created;
        } catch (StatusError e) {
            if (e.code() != 409) {
                if (!JobPodManager.namespaceTerminating(e)) {
                    event("Warning", "FailedCreate", "Error creating job: " + e.getMessage());
                }
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
            event("Normal", "SuccessfulDelete", "Deleted job " + name);
        } catch (StatusError e) {
            if (e.code() != 404 && e.code() != 409) {
                throw e;
            }
        }
    }

    private void event(String type, String reason, String message) {
        events.record(cj, type, reason, message);
    }

    /**
     * A repeated notice (a Warning, but JobAlreadyActive is Normal), recorded when it differs from the last one
     * about the CronJob.
     */
    private void notice(String reason, String message) {
        notice(cj.getMetadata().getUid(), reason, message);
    }

    /** A notice recorded when it differs from the last one kept under {@code key} (which starts with the uid). */
    private void notice(String key, String reason, String message) {
        if (!(reason + message).equals(notices.put(key, reason + message))) {
            event("JobAlreadyActive".equals(reason) ? "Normal" : "Warning", reason, message);
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
