package dev.kapi.apiserver.controllers.batch;

import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The CronJob controller on real etcd with a fake clock that the test moves from one minute to the next (a
 * schedule of {@code * * * * *}): the jobs it creates, their names and annotation, status.active,
 * lastScheduleTime and lastSuccessfulTime, the concurrency policies, suspend, startingDeadlineSeconds, time
 * zones and the history limits. The jobs' template is suspended, so the job controller (running too) makes no
 * pods; the test finishes jobs by writing their status.
 */
@ExtendWith(EtcdExtension.class)
class CronJobControllerTest {

    private static final String NS = JobTestBase.NS;
    private static final Duration WAIT = JobTestBase.WAIT;

    private final FakeClock clock = new FakeClock(Instant.now());
    private BatchTestbed bed;
    /** The first schedule time after the CronJob's creation. */
    private Instant first;

    @BeforeEach
    void start() {
        bed = new BatchTestbed(clock, Duration.ZERO);
    }

    @AfterEach
    void stop() {
        bed.close();
    }

    private CronJob create(String schedule, UnaryOperator<CronJobBuilder> more) {
        CronJobBuilder b = new CronJobBuilder().withNewMetadata().withName("tick").endMetadata().withNewSpec()
                .withSchedule(schedule).withNewJobTemplate().withNewMetadata().addToLabels("from", "tick")
                .addToAnnotations("note", "kept").endMetadata().withNewSpec().withSuspend(true).withNewTemplate()
                .withNewSpec().withRestartPolicy("Never").addNewContainer().withName("main").withImage("busybox")
                .endContainer().endSpec().endTemplate().endSpec().endJobTemplate().endSpec();
        CronJob cj = Writes.create(bed.cronJobs, NS, more.apply(b).build());
        Instant created = Instant.parse(cj.getMetadata().getCreationTimestamp());
        first = created.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        clock.set(created);
        return cj;
    }

    /**
     * Moves the clock {@code seconds} past schedule time {@code n} (1: the first) and has the CronJob synced, once
     * the controller's informer has the CronJob as stored now (as between real schedule times, a minute apart).
     */
    private void tick(int n, long seconds) {
        String stored = bed.cronJobs.get(NS, "tick").getMetadata().getResourceVersion();
        await().atMost(WAIT).until(() -> bed.cronJobCachedAt(NS, "tick", stored));
        tickNow(n, seconds);
    }

    /** {@link #tick} without waiting for the controller's informer. */
    private void tickNow(int n, long seconds) {
        clock.set(scheduled(n).plusSeconds(seconds));
        bed.controller(CronJobController.class).resync(NS + "/tick");
    }

    private Instant scheduled(int n) {
        return first.plus(Duration.ofMinutes(n - 1));
    }

    private String jobName(int n) {
        return "tick-" + scheduled(n).getEpochSecond() / 60;
    }

    private List<String> jobs() {
        return bed.jobs.list(NS, ListParams.all()).items().stream().map(j -> j.getMetadata().getName()).sorted()
                .toList();
    }

    private CronJobStatus status() {
        return bed.cronJobs.get(NS, "tick").getStatus();
    }

    private List<String> active() {
        return JobPods.nz(status().getActive()).stream().map(ObjectReference::getName).sorted().toList();
    }

    private void finish(int n, String type) {
        Writes.update(bed.jobs, NS, jobName(n), "status", j -> {
            JobStatus s = j.getStatus() == null ? new JobStatus() : j.getStatus();
            String at = scheduled(n).plusSeconds(30).toString();
            s.setStartTime(scheduled(n).toString());
            List<JobCondition> conds = new ArrayList<>();
            conds.add(new JobCondition(at, at, "done", "Test", "True", type));
            s.setConditions(conds);
            if (type.equals("Complete")) {
                s.setCompletionTime(at);
            }
            j.setStatus(s);
            return j;
        });
    }

    @Test
    void createsTheJobOfEachScheduleTimeAsKubeNamesAndAnnotatesIt() {
        CronJob cj = create("* * * * *", b -> b);
        tick(1, -1);
        await().pollDelay(Duration.ofMillis(300)).atMost(WAIT).untilAsserted(() -> assertThat(jobs()).isEmpty());
        tick(1, 5);
        await().atMost(WAIT).untilAsserted(() -> assertThat(active()).containsExactly(jobName(1)));
        Job job = bed.jobs.get(NS, jobName(1));
        assertThat(job.getMetadata().getAnnotations()).containsEntry("note", "kept")
                .containsEntry("batch.kubernetes.io/cronjob-scheduled-timestamp", scheduled(1).toString());
        assertThat(job.getMetadata().getLabels()).containsEntry("from", "tick");
        OwnerReference ref = job.getMetadata().getOwnerReferences().getFirst();
        assertThat(List.of(ref.getKind(), ref.getName(), ref.getUid(), ref.getController(), ref.getBlockOwnerDeletion()))
                .containsExactly("CronJob", "tick", cj.getMetadata().getUid(), true, true);
        assertThat(status().getLastScheduleTime()).isEqualTo(scheduled(1).toString());
        assertThat(status().getActive().getFirst().getUid()).isEqualTo(job.getMetadata().getUid());

        finish(1, "Complete");
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(active()).isEmpty();
            assertThat(status().getLastSuccessfulTime()).isEqualTo(scheduled(1).plusSeconds(30).toString());
        });
        tick(3, 1); // minute 2 missed: only the most recent time runs
        await().atMost(WAIT).untilAsserted(() -> assertThat(jobs()).containsExactly(jobName(1), jobName(3)));
        await().atMost(WAIT).untilAsserted(() -> assertThat(bed.events(NS, "tick")).containsExactly(
                "Normal SuccessfulCreate: Created job " + jobName(1) + " (cronjob-controller)",
                "Normal SawCompletedJob: Saw completed job: " + jobName(1) + ", condition: Complete (cronjob-controller)",
                "Normal SuccessfulCreate: Created job " + jobName(3) + " (cronjob-controller)"));
    }

    @ParameterizedTest(name = "{0}: jobs {1}, active {2}")
    @CsvSource({
            "Allow,   1 2, 1 2",
            "Forbid,  1,   1",
            "Replace, 2,   2",
    })
    void concurrencyPolicies(String policy, String jobs, String active) {
        create("* * * * *", b -> b.editSpec().withConcurrencyPolicy(policy).endSpec());
        tick(1, 1);
        await().atMost(WAIT).untilAsserted(() -> assertThat(active()).containsExactly(jobName(1)));
        // the controller's CronJob informer may not have that status yet: seeing the job it must read the CronJob
        await().atMost(WAIT).until(() -> bed.jobCached(NS, jobName(1)));
        tickNow(2, 1);
        List<String> expectedJobs = names(jobs);
        List<String> expectedActive = names(active);
        await().pollDelay(Duration.ofMillis(300)).atMost(WAIT).untilAsserted(() -> {
            assertThat(jobs()).isEqualTo(expectedJobs);
            assertThat(active()).isEqualTo(expectedActive);
        });
        if (policy.equals("Forbid")) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(bed.events(NS, "tick")).containsOnlyOnce(
                    "Normal JobAlreadyActive: Not starting job because prior execution is running and concurrency "
                            + "policy is Forbid (cronjob-controller)"));
        }
    }

    private List<String> names(String indexes) {
        return List.of(indexes.trim().split(" ")).stream().map(i -> jobName(Integer.parseInt(i))).sorted().toList();
    }

    @ParameterizedTest(name = "startingDeadlineSeconds 30, {0} s late: started {1}")
    @CsvSource({"10, true", "29, true", "31, false", "90, false"})
    void aScheduleTimeMissedByMoreThanTheStartingDeadlineIsSkipped(long late, boolean started) {
        create("* * * * *", b -> b.editSpec().withStartingDeadlineSeconds(30L).endSpec());
        tick(1, late);
        if (started) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(jobs()).containsExactly(jobName(1)));
        } else {
            await().pollDelay(Duration.ofMillis(300)).atMost(WAIT).untilAsserted(() -> assertThat(jobs()).isEmpty());
            // as kube's: the deadline bounds the times looked at, so a time missed by more is not even seen
            assertThat(bed.events(NS, "tick")).isEmpty();
        }
    }

    @Test
    void aSuspendedCronJobStartsNothing() {
        create("* * * * *", b -> b.editSpec().withSuspend(true).endSpec());
        tick(1, 1);
        tick(2, 1);
        await().pollDelay(Duration.ofMillis(300)).atMost(WAIT).untilAsserted(() -> assertThat(jobs()).isEmpty());
        Writes.update(bed.cronJobs, NS, "tick", c -> {
            c.getSpec().setSuspend(false);
            return c;
        });
        await().atMost(WAIT).untilAsserted(() -> assertThat(jobs()).containsExactly(jobName(2)));
    }

    @Test
    void theTimeZoneSetsTheScheduleAndTheAnnotation() {
        create("* * * * *", b -> b.editSpec().withTimeZone("Asia/Kolkata").endSpec());
        tick(1, 1);
        await().atMost(WAIT).untilAsserted(() -> assertThat(jobs()).containsExactly(jobName(1)));
        assertThat(bed.jobs.get(NS, jobName(1)).getMetadata().getAnnotations()
                .get("batch.kubernetes.io/cronjob-scheduled-timestamp"))
                .isEqualTo(scheduled(1).atZone(java.time.ZoneId.of("Asia/Kolkata")).toOffsetDateTime().toString()
                        .replaceFirst("(T\\d\\d:\\d\\d)\\+", "$1:00+"))
                .endsWith("+05:30");
    }

    @Test
    void aRunningJobItControlsButDoesNotListIsReportedOnceAndLeftOutOfActive() {
        CronJob cj = create("* * * * *", b -> b.editSpec().withConcurrencyPolicy("Forbid").endSpec());
        Job stray = new JobBuilder().withNewMetadata().withName("stray")
                .addNewOwnerReference().withApiVersion("batch/v1").withKind("CronJob").withName("tick")
                .withUid(cj.getMetadata().getUid()).withController(true).endOwnerReference().endMetadata()
                .withNewSpec().withSuspend(true).withNewTemplate().withNewSpec().withRestartPolicy("Never")
                .addNewContainer().withName("main").withImage("busybox").endContainer().endSpec().endTemplate()
                .endSpec().build();
        Writes.create(bed.jobs, NS, stray);
        await().atMost(WAIT).until(() -> bed.jobCached(NS, "stray"));
        tick(1, 1); // Forbid looks at status.active only, as kube's: the stray job does not hold the schedule back
        await().atMost(WAIT).untilAsserted(() -> assertThat(active()).containsExactly(jobName(1)));
        tick(1, 20); // a sync more: the report is not repeated
        await().pollDelay(Duration.ofMillis(300)).atMost(WAIT).untilAsserted(() -> assertThat(bed.events(NS, "tick")).containsExactly(
                "Warning UnexpectedJob: Saw a job that the controller did not create or forgot: stray "
                        + "(cronjob-controller)",
                "Normal SuccessfulCreate: Created job " + jobName(1) + " (cronjob-controller)"));
    }

    @Test
    void finishedJobsBeyondTheHistoryLimitsAreDeletedOldestFirst() {
        create("* * * * *", b -> b.editSpec().withSuccessfulJobsHistoryLimit(1).withFailedJobsHistoryLimit(1)
                .endSpec());
        for (int n = 1; n <= 4; n++) {
            tick(n, 1);
            String name = jobName(n);
            await().atMost(WAIT).untilAsserted(() -> assertThat(jobs()).contains(name));
        }
        finish(1, "Complete");
        finish(2, "Complete");
        finish(3, "Failed");
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(jobs()).containsExactly(jobName(2), jobName(3), jobName(4));
            assertThat(active()).containsExactly(jobName(4));
        });
        finish(4, "Failed");
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(jobs()).containsExactly(jobName(2), jobName(4));
            assertThat(active()).isEmpty();
        });
    }
}
