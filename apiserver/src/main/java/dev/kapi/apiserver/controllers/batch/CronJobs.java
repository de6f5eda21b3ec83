package dev.kapi.apiserver.controllers.batch;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * What kube's CronJob controller (v2) computes for a CronJob: the most recent schedule time not yet acted on
 * ({@code mostRecentScheduleTime}), the Job of a schedule time ({@code getJobFromTemplate2}), the reference
 * kept in {@code status.active}, and the finished jobs beyond the history limits.
 */
final class CronJobs {

    static final String SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp";
    /** kube warns (event TooManyMissedTimes) past this many missed times, and starts the most recent only. */
    static final int MANY_MISSED = 100;

    /** The most recent unmet time (null: none) and how many times were missed since the earliest. */
    record Unmet(Instant time, int missed) {
    }

    private CronJobs() {
    }

    /**
     * The schedule times after the last one acted on (or the creation, or {@code now - startingDeadlineSeconds}
     * if later) up to {@code now}: the most recent of them, and how many there were (counted up to
     * {@link #MANY_MISSED} + 1).
     */
    static Unmet mostRecent(CronJob cj, CronSpec schedule, Instant now) {
        Instant earliest = Owners.instant(cj.getStatus() == null ? null : cj.getStatus().getLastScheduleTime());
        if (earliest == null) {
            earliest = Owners.instant(cj.getMetadata().getCreationTimestamp());
        }
        Long deadline = cj.getSpec().getStartingDeadlineSeconds();
        if (deadline != null && now.minusSeconds(deadline).isAfter(earliest)) {
            earliest = now.minusSeconds(deadline);
        }
        Instant last = null;
        int missed = 0;
        for (Instant t = schedule.next(earliest); t != null && !t.isAfter(now); t = schedule.next(t)) {
            last = t;
            if (++missed > MANY_MISSED) {
                return new Unmet(latest(schedule, earliest, now), missed);
            }
        }
        return new Unmet(last, missed);
    }

    /** The last schedule time in (earliest, now], looked for in windows back from now that double. */
    private static Instant latest(CronSpec schedule, Instant earliest, Instant now) {
        Duration window = Duration.ofMinutes(1);
        while (true) {
            Instant from = now.minus(window).isAfter(earliest) ? now.minus(window) : earliest;
            Instant last = null;
            for (Instant t = schedule.next(from); t != null && !t.isAfter(now); t = schedule.next(t)) {
                last = t;
            }
            if (last != null || from.equals(earliest)) {
                return last;
            }
            window = window.multipliedBy(2);
        }
    }

    /** kube's job name for a schedule time: {@code <cronjob>-<minutes since the epoch>}. */
    static String jobName(CronJob cj, Instant scheduled) {
        return cj.getMetadata().getName() + "-" + scheduled.getEpochSecond() / 60;
    }

    /**
     * The Job the CronJob runs at {@code scheduled}: the template's labels, annotations and spec, the
     * scheduled time (RFC 3339 in the CronJob's zone) as annotation, the CronJob as controller.
     */
    static Job job(CronJob cj, Instant scheduled, ZoneId zone) {
        JobTemplateSpec template = cj.getSpec().getJobTemplate();
        ObjectMeta tm = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
        ObjectMeta meta = new ObjectMeta();
        meta.setName(jobName(cj, scheduled));
        meta.setNamespace(cj.getMetadata().getNamespace());
        meta.setLabels(tm.getLabels() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(tm.getLabels()));
        meta.setAnnotations(tm.getAnnotations() == null ? new LinkedHashMap<>()
                : new LinkedHashMap<>(tm.getAnnotations()));
        meta.getAnnotations().put(SCHEDULED_TIMESTAMP,
                DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(scheduled.atZone(zone).toOffsetDateTime()));
        meta.setOwnerReferences(new ArrayList<>(List.of(Owners.controllerRef(cj, "batch/v1", "CronJob"))));
        Job job = new Job();
        job.setApiVersion("batch/v1");
        job.setKind("Job");
        job.setMetadata(meta);
        job.setSpec(Owners.copy(template.getSpec() == null ? new JobSpec() : template.getSpec(), JobSpec.class));
        return job;
    }

    /** The reference {@code status.active} keeps of a job (kube's {@code ref.GetReference}). */
    static ObjectReference reference(Job job) {
        return new ObjectReferenceBuilder().withApiVersion("batch/v1").withKind("Job")
                .withNamespace(job.getMetadata().getNamespace()).withName(job.getMetadata().getName())
                .withUid(job.getMetadata().getUid()).withResourceVersion(job.getMetadata().getResourceVersion())
                .build();
    }

    /** The finished jobs to delete: the oldest (by start time, then name) beyond {@code limit}. */
    static List<Job> beyondLimit(List<Job> finished, Integer limit) {
        if (limit == null || finished.size() <= limit) {
            return List.of();
        }
        List<Job> sorted = new ArrayList<>(finished);
        sorted.sort(Comparator.comparing((Job j) -> j.getStatus() == null ? null : j.getStatus().getStartTime(),
                        Comparator.nullsLast(Comparator.<String>naturalOrder()))
                .thenComparing(j -> j.getMetadata().getName()));
        return sorted.subList(0, sorted.size() - limit);
    }

    static boolean succeeded(Job job) {
        return JobConditions.isTrue(job.getStatus(), JobConditions.COMPLETE);
    }
}
