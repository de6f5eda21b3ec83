package dev.kapi.apiserver.controllers.batch;

import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRuleBuilder;
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

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The job controller on real etcd: pods as kube makes them, parallelism and completions (NonIndexed and
 * Indexed), finished pods counted through the tracking finalizer, backoffLimit, activeDeadlineSeconds,
 * suspend and resume, and the conditions and counters a client reads. Pod phases are set through the pods'
 * status subresource, as a kubelet would.
 */
@ExtendWith(EtcdExtension.class)
class JobControllerTest {

    static final String NS = "jobs";
    static final Duration WAIT = Duration.ofSeconds(10);

    private BatchTestbed bed;

    @BeforeEach
    void start() {
        bed = new BatchTestbed(Clock.systemUTC(), Duration.ofMillis(50));
    }

    @AfterEach
    void stop() {
        bed.close();
    }

    static Job job(String name, Integer completions, Integer parallelism, UnaryOperator<JobBuilder> more) {
        JobBuilder b = new JobBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
                .withCompletions(completions).withParallelism(parallelism).withNewTemplate().withNewMetadata()
                .addToLabels("app", name).endMetadata().withNewSpec().withRestartPolicy("Never").addNewContainer()
                .withName("main").withImage("busybox").endContainer().endSpec().endTemplate().endSpec();
        return more.apply(b).build();
    }

    Job create(Job job) {
        return Writes.create(bed.jobs, NS, job);
    }

    Job get(String name) {
        return bed.jobs.get(NS, name);
    }

    List<Pod> pods(String job) {
        return bed.pods.list(NS, ListParams.all()).items().stream().filter(p -> p.getMetadata().getName().startsWith(job + "-")).toList();
    }

    List<Pod> active(String job) {
        return pods(job).stream().filter(JobPods::active).toList();
    }

    void phase(Pod pod, String phase) {
        Writes.update(bed.pods, NS, pod.getMetadata().getName(), "status", p -> {
            p.setStatus(new PodStatus());
            p.getStatus().setPhase(phase);
            return p;
        });
    }

    /** The job's conditions as {@code type=status/reason}, in order. */
    static String conditions(Job job) {
        List<JobCondition> c = job.getStatus() == null ? null : job.getStatus().getConditions();
        return c == null ? "" : c.stream().map(x -> x.getType() + "=" + x.getStatus() + "/" + x.getReason())
                .collect(Collectors.joining(","));
    }

    /** The counters a client reads, as one text. */
    static String counters(Job job) {
        JobStatus s = job.getStatus();
        return "active=" + s.getActive() + " ready=" + s.getReady() + " terminating=" + s.getTerminating()
                + " succeeded=" + s.getSucceeded() + " failed=" + s.getFailed() + " uncounted="
                + JobPods.nz(s.getUncountedTerminatedPods().getSucceeded()).size() + "/"
                + JobPods.nz(s.getUncountedTerminatedPods().getFailed()).size();
    }

    void awaitActive(String job, int n) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(active(job)).hasSize(n));
        // no more than that once the informer caught up
        await().pollDelay(Duration.ofMillis(300)).atMost(WAIT).untilAsserted(() -> {
            assertThat(active(job)).hasSize(n);
            assertThat(get(job).getStatus().getActive()).isEqualTo(n == 0 ? null : n);
        });
    }

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

    @Test
    void withPodReplacementPolicyFailedATerminatingPodIsReplacedOnlyOnceItFailed() {
        create(job("patient", 1, 1, b -> b.editSpec().withPodReplacementPolicy("Failed").endSpec()));
        awaitActive("patient", 1);
        Pod first = active("patient").getFirst();
        Writes.delete(bed.pods, NS, first.getMetadata().getName());
        await().atMost(WAIT).untilAsserted(() -> assertThat(counters(get("patient")))
                .isEqualTo("active=null ready=0 terminating=1 succeeded=null failed=null uncounted=0/0"));
        await().pollDelay(Duration.ofMillis(300)).atMost(WAIT).untilAsserted(() -> assertThat(active("patient")).isEmpty());
        phase(first, "Failed");
        awaitActive("patient", 1);
        assertThat(get("patient").getStatus().getFailed()).isEqualTo(1);
        assertThat(pods("patient")).extracting(p -> p.getMetadata().getName())
                .doesNotContain(first.getMetadata().getName());
    }

    @Test
    void aJobManagedByAnotherControllerIsLeftAlone() {
        create(job("elsewhere", 1, 1, b -> b.editSpec().withManagedBy("example.com/batch").endSpec()));
        create(job("here", 1, 1, b -> b));
        awaitActive("here", 1);
        assertThat(pods("elsewhere")).isEmpty();
        assertThat(get("elsewhere").getStatus().getStartTime()).isNull();
    }

    @ParameterizedTest(name = "{0} rule, pod failed with exit code {1} and condition {2}: {3}")
    @CsvSource(delimiter = '|', value = {
            "FailJob | 42 | Ready          | FailureTarget=True/PodFailurePolicy,Failed=True/PodFailurePolicy",
            "Ignore  | 1  | DisruptionTarget | replaced, not counted",
            "Ignore  | 1  | Ready          | FailureTarget=True/BackoffLimitExceeded,Failed=True/BackoffLimitExceeded",
    })
    void podFailurePolicyRulesDecideWhatAFailedPodDoes(String action, int exitCode, String condition, String outcome) {
        PodFailurePolicyRule rule = action.equals("FailJob")
                ? new PodFailurePolicyRuleBuilder().withAction(action).withNewOnExitCodes().withContainerName("main")
                        .withOperator("In").withValues(42).endOnExitCodes().build()
                : new PodFailurePolicyRuleBuilder().withAction(action).addNewOnPodCondition()
                        .withType("DisruptionTarget").withStatus("True").endOnPodCondition().build();
        create(job("policed", 2, 1, b -> b.editSpec().withBackoffLimit(0).withNewPodFailurePolicy().addToRules(rule)
                .endPodFailurePolicy().endSpec()));
        awaitActive("policed", 1);
        Pod pod = active("policed").getFirst();
        Writes.update(bed.pods, NS, pod.getMetadata().getName(), "status", p -> {
            p.setStatus(new PodStatusBuilder().withPhase("Failed").addNewCondition().withType(condition)
                    .withStatus("True").endCondition().addNewContainerStatus().withName("main").withImage("busybox")
                    .withNewState().withNewTerminated().withExitCode(exitCode).endTerminated().endState()
                    .endContainerStatus().build());
            return p;
        });
        if (outcome.startsWith("replaced")) {
            awaitActive("policed", 1);
            assertThat(active("policed").getFirst().getMetadata().getName()).isNotEqualTo(pod.getMetadata().getName());
            assertThat(get("policed").getStatus().getFailed()).isNull();
            assertThat(conditions(get("policed"))).isEmpty();
            return;
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(conditions(get("policed"))).isEqualTo(outcome));
        if (action.equals("FailJob")) {
            assertThat(JobConditions.find(get("policed").getStatus(), "Failed").getMessage()).isEqualTo("Container main "
                    + "for pod jobs/" + pod.getMetadata().getName() + " failed with exit code 42 matching FailJob rule "
                    + "at index 0");
        }
    }

    @Test
    void anIndexedJobMeetingItsSuccessPolicyCompletesAndItsOtherPodsGo() {
        create(job("leader", 3, 3, b -> b.editSpec().withCompletionMode("Indexed").withNewSuccessPolicy()
                .addNewRule().withSucceededIndexes("0").endRule().endSuccessPolicy().endSpec()));
        awaitActive("leader", 3);
        phase(active("leader").stream().filter(p -> JobPods.index(p) == 0).findFirst().orElseThrow(), "Succeeded");
        await().atMost(WAIT).untilAsserted(() -> assertThat(conditions(get("leader")))
                .isEqualTo("SuccessCriteriaMet=True/SuccessPolicy,Complete=True/SuccessPolicy"));
        assertThat(JobConditions.find(get("leader").getStatus(), "Complete").getMessage())
                .isEqualTo("Matched rules at index 0");
        assertThat(get("leader").getStatus().getCompletedIndexes()).isEqualTo("0");
        assertThat(active("leader")).isEmpty();
    }

    private Pod ofIndex(String job, int index) {
        return active(job).stream().filter(p -> JobPods.index(p) == index).findFirst().orElseThrow();
    }

    @Test
    void anIndexFailingMoreOftenThanItsBackoffLimitFailsAloneAndThenTheJob() {
        create(job("per-index", 3, 3, b -> b.editSpec().withCompletionMode("Indexed").withBackoffLimitPerIndex(1)
                .endSpec()));
        awaitActive("per-index", 3);
        phase(ofIndex("per-index", 1), "Failed");
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(ofIndex("per-index", 1).getMetadata()
                .getAnnotations())
                .containsEntry("batch.kubernetes.io/job-index-failure-count", "1"));
        phase(ofIndex("per-index", 1), "Failed");
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(get("per-index").getStatus().getFailedIndexes()).isEqualTo("1");
            assertThat(active("per-index")).extracting(JobPods::index).containsExactlyInAnyOrder(0, 2);
        });
        phase(ofIndex("per-index", 0), "Succeeded");
        phase(ofIndex("per-index", 2), "Succeeded");
        await().atMost(WAIT).untilAsserted(() -> assertThat(conditions(get("per-index")))
                .isEqualTo("FailureTarget=True/FailedIndexes,Failed=True/FailedIndexes"));
        assertThat(get("per-index").getStatus().getCompletedIndexes()).isEqualTo("0,2");
        assertThat(get("per-index").getStatus().getFailed()).isEqualTo(2);
    }

    @Test
    void moreFailedIndexesThanMaxFailedIndexesFailTheJob() {
        create(job("fragile", 3, 3, b -> b.editSpec().withCompletionMode("Indexed").withBackoffLimitPerIndex(0)
                .withMaxFailedIndexes(0).endSpec()));
        awaitActive("fragile", 3);
        phase(ofIndex("fragile", 2), "Failed");
        await().atMost(WAIT).untilAsserted(() -> assertThat(conditions(get("fragile")))
                .isEqualTo("FailureTarget=True/MaxFailedIndexesExceeded,Failed=True/MaxFailedIndexesExceeded"));
        assertThat(get("fragile").getStatus().getFailedIndexes()).isEqualTo("2");
        assertThat(active("fragile")).isEmpty();
    }

    @Test
    void aJobWithAManualSelectorAdoptsTheOrphanPodsItSelectsAndReleasesThoseItNoLongerDoes() {
        Writes.create(bed.pods, NS, new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata()
                .withName("manual-orphan").addToLabels("app", "manual").endMetadata().withNewSpec()
                .addNewContainer().withName("main").withImage("busybox").endContainer().endSpec().build());
        Job job = create(job("manual", 1, 1, b -> b.editSpec().withManualSelector(true).withNewSelector()
                .addToMatchLabels("app", "manual").endSelector().endSpec()));
        await().atMost(WAIT).untilAsserted(() -> {
            Pod orphan = bed.pods.get(NS, "manual-orphan");
            assertThat(orphan.getMetadata().getOwnerReferences()).extracting(OwnerReference::getUid)
                    .containsExactly(job.getMetadata().getUid());
            assertThat(orphan.getMetadata().getFinalizers()).contains(JobPods.TRACKING_FINALIZER);
            assertThat(get("manual").getStatus().getActive()).isEqualTo(1);
        });
        await().pollDelay(Duration.ofMillis(300)).atMost(WAIT).untilAsserted(() -> assertThat(pods("manual")).hasSize(1));

        Writes.update(bed.pods, NS, "manual-orphan", p -> {
            p.getMetadata().getLabels().put("app", "other");
            return p;
        });
        await().atMost(WAIT).untilAsserted(() -> {
            Pod released = bed.pods.get(NS, "manual-orphan");
            assertThat(released.getMetadata().getOwnerReferences()).isEmpty();
            assertThat(released.getMetadata().getFinalizers()).doesNotContain(JobPods.TRACKING_FINALIZER);
            assertThat(pods("manual")).hasSize(2); // a replacement
        });
    }

    @ParameterizedTest(name = "OnFailure, backoffLimit {0}, {1} restarts: failed {2}")
    @CsvSource({"2, 1, false", "2, 2, true", "0, 1, true"})
    void underOnFailureContainerRestartsCountAgainstTheBackoffLimit(int backoffLimit, int restarts, boolean fails) {
        create(job("restarts", 1, 1, b -> b.editSpec().withBackoffLimit(backoffLimit).editTemplate().editSpec()
                .withRestartPolicy("OnFailure").endSpec().endTemplate().endSpec()));
        awaitActive("restarts", 1);
        Writes.update(bed.pods, NS, active("restarts").getFirst().getMetadata().getName(), "status", p -> {
            p.setStatus(new PodStatusBuilder().withPhase("Running").addNewContainerStatus().withName("main")
                    .withImage("busybox").withRestartCount(restarts).endContainerStatus().build());
            return p;
        });
        if (fails) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(conditions(get("restarts")))
                    .isEqualTo("FailureTarget=True/BackoffLimitExceeded,Failed=True/BackoffLimitExceeded"));
            assertThat(pods("restarts")).isEmpty();
        } else {
            await().pollDelay(Duration.ofMillis(300)).atMost(WAIT).untilAsserted(() -> {
                assertThat(conditions(get("restarts"))).isEmpty();
                assertThat(active("restarts")).hasSize(1);
            });
        }
    }
}
