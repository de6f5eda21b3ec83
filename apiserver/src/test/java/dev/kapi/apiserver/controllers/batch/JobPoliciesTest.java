package dev.kapi.apiserver.controllers.batch;

import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The job controller's policies on real etcd: podReplacementPolicy, managedBy, podFailurePolicy,
 * successPolicy, backoffLimitPerIndex and maxFailedIndexes, manual selectors (adoption and release), and
 * container restarts under OnFailure.
 */
class JobPoliciesTest extends JobTestBase {

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
        await().atMost(WAIT).until(() -> bed.podCached(NS, "manual-orphan")); // else the job may start its own first
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
