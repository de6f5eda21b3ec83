package dev.kapi.apiserver.controllers.batch;

import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The job controller on real etcd: pods as kube makes them, parallelism and completions (NonIndexed and
 * Indexed), finished pods counted through the tracking finalizer, backoffLimit, activeDeadlineSeconds,
 * suspend and resume, pods deleted or orphaned, and the conditions, counters and Events a client reads.
 */
class JobControllerTest extends JobTestBase {

    @ParameterizedTest(name = "completions {0}, parallelism {1}: {2} at a time, {3} pods")
    @CsvSource(nullValues = "null", value = {
            "null, 1, 1, 1",
            "1,    1, 1, 1",
            "3,    2, 2, 3",
            "2,    5, 2, 2",
            "4,    4, 4, 4",
    })
    void runsParallelismPodsUntilCompletions(Integer completions, Integer parallelism, int atATime, int total) {
        create(job("work", completions, parallelism, b -> b));
        int done = 0;
        while (done < total) {
            int expected = Math.min(atATime, total - done);
            awaitActive("work", expected);
            phase(active("work").getFirst(), "Succeeded");
            done++;
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(conditions(get("work")))
                .isEqualTo("SuccessCriteriaMet=True/CompletionsReached,Complete=True/CompletionsReached"));
        Job job = get("work");
        assertThat(counters(job)).isEqualTo("active=null ready=0 terminating=0 succeeded=" + total
                + " failed=null uncounted=0/0");
        assertThat(job.getStatus().getStartTime()).isNotNull();
        assertThat(job.getStatus().getCompletionTime()).isNotNull();
        assertThat(JobConditions.find(job.getStatus(), "Complete").getMessage())
                .isEqualTo("Reached expected number of succeeded pods");
        assertThat(pods("work")).hasSize(total).noneMatch(JobPods::hasTrackingFinalizer);
        await().atMost(WAIT).untilAsserted(() -> assertThat(bed.events(NS, "work"))
                .filteredOn(e -> e.startsWith("Normal SuccessfulCreate: Created pod: work-")).hasSize(total));
        await().atMost(WAIT).untilAsserted(() -> assertThat(bed.events(NS, "work"))
                .contains("Normal Completed: Job completed (job-controller)"));
    }

    @Test
    void podsCarryTheLabelsOwnerAndFinalizerKubeSets() {
        Job job = create(job("labelled", 1, 1, b -> b));
        String uid = job.getMetadata().getUid();
        awaitActive("labelled", 1);
        Pod pod = active("labelled").getFirst();
        assertThat(pod.getMetadata().getGenerateName()).isEqualTo("labelled-");
        assertThat(pod.getMetadata().getLabels()).containsEntry("app", "labelled")
                .containsEntry("batch.kubernetes.io/controller-uid", uid)
                .containsEntry("batch.kubernetes.io/job-name", "labelled")
                .containsEntry("controller-uid", uid).containsEntry("job-name", "labelled");
        assertThat(pod.getMetadata().getFinalizers()).containsExactly("batch.kubernetes.io/job-tracking");
        OwnerReference ref = pod.getMetadata().getOwnerReferences().getFirst();
        assertThat(List.of(ref.getApiVersion(), ref.getKind(), ref.getName(), ref.getUid(), ref.getController(),
                ref.getBlockOwnerDeletion())).containsExactly("batch/v1", "Job", "labelled", uid, true, true);
        assertThat(pod.getSpec().getContainers().getFirst().getImage()).isEqualTo("busybox");
    }

    @Test
    void indexedPodsCarryTheirIndexAndCompleteEachIndexOnce() {
        create(job("indexed", 3, 2, b -> b.editSpec().withCompletionMode("Indexed").endSpec()));
        awaitActive("indexed", 2);
        assertThat(active("indexed")).extracting(JobPods::index).containsExactlyInAnyOrder(0, 1);
        Pod zero = active("indexed").stream().filter(p -> JobPods.index(p) == 0).findFirst().orElseThrow();
        assertThat(zero.getMetadata().getGenerateName()).isEqualTo("indexed-0-");
        assertThat(zero.getMetadata().getAnnotations()).containsEntry("batch.kubernetes.io/job-completion-index", "0");
        assertThat(zero.getMetadata().getLabels()).containsEntry("batch.kubernetes.io/job-completion-index", "0");
        assertThat(zero.getSpec().getHostname()).isEqualTo("indexed-0");
        assertThat(zero.getSpec().getContainers().getFirst().getEnv()).anyMatch(e ->
                e.getName().equals("JOB_COMPLETION_INDEX"));
        phase(zero, "Succeeded");
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(active("indexed")).extracting(JobPods::index).containsExactlyInAnyOrder(1, 2);
            assertThat(get("indexed").getStatus().getCompletedIndexes()).isEqualTo("0");
        });
        active("indexed").forEach(p -> phase(p, "Succeeded"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(conditions(get("indexed")))
                .endsWith("Complete=True/CompletionsReached"));
        assertThat(get("indexed").getStatus().getCompletedIndexes()).isEqualTo("0-2");
        assertThat(get("indexed").getStatus().getSucceeded()).isEqualTo(3);
    }

    @ParameterizedTest(name = "backoffLimit {0}: failed after {1} failed pods")
    @CsvSource({"0, 1", "2, 3"})
    void failsOnceMorePodsFailedThanTheBackoffLimit(int backoffLimit, int failures) {
        create(job("flaky", 5, 1, b -> b.editSpec().withBackoffLimit(backoffLimit).endSpec()));
        for (int i = 0; i < failures; i++) {
            assertThat(conditions(get("flaky"))).doesNotContain("Fail");
            awaitActive("flaky", 1);
            phase(active("flaky").getFirst(), "Failed");
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(conditions(get("flaky")))
                .isEqualTo("FailureTarget=True/BackoffLimitExceeded,Failed=True/BackoffLimitExceeded"));
        Job job = get("flaky");
        assertThat(counters(job)).isEqualTo("active=null ready=0 terminating=0 succeeded=null failed=" + failures
                + " uncounted=0/0");
        assertThat(JobConditions.find(job.getStatus(), "Failed").getMessage())
                .isEqualTo("Job has reached the specified backoff limit");
        assertThat(job.getStatus().getCompletionTime()).isNull();
        assertThat(pods("flaky")).hasSize(failures).noneMatch(JobPods::hasTrackingFinalizer);
        await().atMost(WAIT).untilAsserted(() -> assertThat(bed.events(NS, "flaky")).contains(
                "Warning BackoffLimitExceeded: Job has reached the specified backoff limit (job-controller)"));
    }

    @Test
    void aJobActiveLongerThanItsDeadlineFailsAndItsPodsGo() {
        create(job("slow", 1, 1, b -> b.editSpec().withActiveDeadlineSeconds(1L).endSpec()));
        await().atMost(WAIT).untilAsserted(() -> assertThat(conditions(get("slow")))
                .isEqualTo("FailureTarget=True/DeadlineExceeded,Failed=True/DeadlineExceeded"));
        assertThat(JobConditions.find(get("slow").getStatus(), "Failed").getMessage())
                .isEqualTo("Job was active longer than specified deadline");
        assertThat(counters(get("slow"))).isEqualTo("active=null ready=0 terminating=0 succeeded=null failed=1 "
                + "uncounted=0/0");
        await().atMost(WAIT).untilAsserted(() -> assertThat(pods("slow")).isEmpty());
    }

    @Test
    void aSuspendedJobRunsNothingUntilResumedAndSuspendingDeletesItsPods() {
        create(job("later", 2, 2, b -> b.editSpec().withSuspend(true).endSpec()));
        await().atMost(WAIT).untilAsserted(() -> assertThat(conditions(get("later")))
                .isEqualTo("Suspended=True/JobSuspended"));
        assertThat(pods("later")).isEmpty();
        assertThat(get("later").getStatus().getStartTime()).isNull();

        Writes.update(bed.jobs, NS, "later", j -> {
            j.getSpec().setSuspend(false);
            return j;
        });
        awaitActive("later", 2);
        assertThat(conditions(get("later"))).isEqualTo("Suspended=False/JobResumed");
        assertThat(get("later").getStatus().getStartTime()).isNotNull();
        assertThat(bed.events(NS, "later")).contains("Normal Suspended: Job suspended (job-controller)",
                "Normal Resumed: Job resumed (job-controller)");

        Writes.update(bed.jobs, NS, "later", j -> {
            j.getSpec().setSuspend(true);
            return j;
        });
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(pods("later")).isEmpty();
            assertThat(conditions(get("later"))).isEqualTo("Suspended=True/JobSuspended");
            assertThat(counters(get("later"))).isEqualTo("active=null ready=0 terminating=0 succeeded=null "
                    + "failed=null uncounted=0/0");
        });
    }

    @Test
    void aPodDeletedWhileRunningCountsAsFailedAndIsReplaced() {
        create(job("victim", 1, 1, b -> b));
        awaitActive("victim", 1);
        String first = active("victim").getFirst().getMetadata().getName();
        Writes.delete(bed.pods, NS, first);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(pods("victim")).extracting(p -> p.getMetadata().getName()).doesNotContain(first);
            assertThat(active("victim")).hasSize(1);
            assertThat(get("victim").getStatus().getFailed()).isEqualTo(1);
        });
        phase(active("victim").getFirst(), "Succeeded");
        await().atMost(WAIT).untilAsserted(() -> assertThat(conditions(get("victim")))
                .endsWith("Complete=True/CompletionsReached"));
    }

    @Test
    void podsOfADeletedJobOrOfNoJobLoseTheTrackingFinalizer() {
        create(job("gone", 2, 2, b -> b));
        awaitActive("gone", 2);
        Pod released = active("gone").getFirst();
        // what the garbage collector does to a dependent when its owner is deleted with propagation Orphan; the
        // label changed too, else the job would adopt it again (as kube's does)
        Writes.update(bed.pods, NS, released.getMetadata().getName(), p -> {
            p.getMetadata().setOwnerReferences(List.of());
            p.getMetadata().getLabels().remove("batch.kubernetes.io/controller-uid");
            return p;
        });
        await().atMost(WAIT).untilAsserted(() -> assertThat(bed.pods.get(NS, released.getMetadata().getName())
                .getMetadata().getFinalizers()).doesNotContain(JobPods.TRACKING_FINALIZER));
        // batch/v1 orphans by default: the job is held by the orphan finalizer, deleting
        Writes.delete(bed.jobs, NS, "gone");
        await().atMost(WAIT).untilAsserted(() -> assertThat(pods("gone")).hasSizeGreaterThanOrEqualTo(2)
                .noneMatch(JobPods::hasTrackingFinalizer));
    }
}
