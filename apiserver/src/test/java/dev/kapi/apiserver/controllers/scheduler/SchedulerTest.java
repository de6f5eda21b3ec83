package dev.kapi.apiserver.controllers.scheduler;

import dev.kapi.apiserver.admission.AdmissionChain;
import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.RecordingAdmission;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.kapi.apiserver.controllers.scheduler.SchedulerHarness.NS;
import static dev.kapi.apiserver.controllers.scheduler.SchedulerHarness.node;
import static dev.kapi.apiserver.controllers.scheduler.SchedulerHarness.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The scheduler as a whole on real etcd: it spreads pods over equal nodes, never overcommits a node when many
 * pods arrive at once (its assumed pods), tells why a pod fits nowhere (condition and Events) and places it once
 * a node it fits appears or room is freed, and leaves alone the pods that are not its own.
 */
@ExtendWith(EtcdExtension.class)
class SchedulerTest {

    private static final String NO_ROOM = "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are "
            + "available: 3 No preemption victims found for incoming pod.";
    private SchedulerHarness h;

    @BeforeEach
    void start() {
        h = new SchedulerHarness();
    }

    @AfterEach
    void stop() {
        h.close();
    }

    /** How many of the pods are on each node. */
    private Map<String, Long> perNode(List<String> pods) {
        return pods.stream().map(h::nodeOf).filter(n -> n != null)
                .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
    }

    private static List<String> names(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + i).toList();
    }

    @Test
    void podsSpreadOverEqualNodes() {
        List.of("a", "b", "c").forEach(n -> h.create(node(n, "4").build()));
        h.start();
        List<String> pods = names("web-", 6);
        pods.forEach(p -> h.create(pod(p, null).build()));
        pods.forEach(h::awaitBound);
        assertThat(perNode(pods)).isEqualTo(Map.of("a", 2L, "b", 2L, "c", 2L));
    }

    /** A binding refused (here by admission) is tried again after its backoff, as kube's binding cycle does. */
    @Test
    void aRefusedBindingIsTriedAgain() {
        AtomicInteger refusals = new AtomicInteger(2);
        WritePipeline writes = new WritePipeline(new AdmissionChain(List.of(), List.of(RecordingAdmission.of(a -> {
            if ("binding".equals(a.subresource()) && refusals.getAndDecrement() > 0) {
                throw StatusError.forbidden(new GroupResource("", "pods"), a.name(), "refused by the test");
            }
        }))));
        try (SchedulerHarness refusing = new SchedulerHarness(writes)) {
            refusing.create(node("a", "4").build());
            refusing.start();
            refusing.create(pod("p", null).build());

            await().atMost(Duration.ofSeconds(15)).until(() -> refusing.nodeOf("p") != null);
            assertThat(refusing.nodeOf("p")).isEqualTo("a");
            assertThat(refusals.get()).as("two refusals, then the binding that went through").isEqualTo(-1);
        }
    }

    /** Bindings are written in the background (kube's binding cycle): a slow one does not hold up the next pod. */
    @Test
    void aSlowBindingDoesNotHoldUpTheNextPod() throws Exception {
        CountDownLatch slowSeen = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        WritePipeline writes = new WritePipeline(new AdmissionChain(List.of(), List.of(RecordingAdmission.of(a -> {
            if ("binding".equals(a.subresource()) && "slow".equals(a.name())) {
                slowSeen.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }))));
        try (SchedulerHarness slow = new SchedulerHarness(writes)) {
            slow.create(node("a", "4").build());
            slow.start();
            slow.create(pod("slow", null).build());
            assertThat(slowSeen.await(10, TimeUnit.SECONDS)).isTrue();

            slow.create(pod("quick", null).build());
            assertThat(slow.awaitBound("quick")).isEqualTo("a");
            assertThat(slow.nodeOf("slow")).isNull();

            release.countDown();
            assertThat(slow.awaitBound("slow")).isEqualTo("a");
        } finally {
            release.countDown();
        }
    }

    @Test
    void manyPodsAtOnceNeverOvercommitANode() {
        List.of("a", "b", "c").forEach(n -> h.create(node(n, "2").build()));
        h.start();
        List<String> pods = names("job-", 10);
        pods.forEach(p -> h.create(pod(p, "1").build()));
        await().atMost(SchedulerHarness.WAIT).until(() -> pods.stream()
                .filter(p -> h.nodeOf(p) != null || h.unschedulableMessage(p) != null).count() == 10);
        assertThat(perNode(pods)).isEqualTo(Map.of("a", 2L, "b", 2L, "c", 2L));
        List<String> waiting = pods.stream().filter(p -> h.nodeOf(p) == null).toList();
        assertThat(waiting).hasSize(4);
        waiting.forEach(p -> assertThat(h.unschedulableMessage(p)).isEqualTo(NO_ROOM));
    }

    @Test
    void anUnschedulablePodIsPlacedOnceAFittingNodeAppears() {
        h.create(node("small", "1").build());
        h.start();
        h.create(pod("p", "2").build());
        String message = "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: "
                + "1 Preemption is not helpful for scheduling.";
        assertThat(h.awaitUnschedulable("p")).isEqualTo(message);
        await().atMost(SchedulerHarness.WAIT).until(() -> h.events("p").contains("FailedScheduling: " + message));

        h.create(node("big", "4").build());
        assertThat(h.awaitBound("p")).isEqualTo("big");
        Pod p = h.pods.get(NS, "p");
        assertThat(p.getStatus().getConditions()).filteredOn(c -> "PodScheduled".equals(c.getType()))
                .extracting(PodCondition::getStatus).containsExactly("True");
        await().atMost(SchedulerHarness.WAIT).until(() -> h.events("p")
                .contains("Scheduled: Successfully assigned sched/p to big"));
    }

    @Test
    void aPodLeavingANodeMakesRoomForAWaitingOne() {
        h.create(node("a", "2").build());
        h.start();
        h.create(pod("first", "2").build());
        assertThat(h.awaitBound("first")).isEqualTo("a");
        h.create(pod("second", "2").build());
        assertThat(h.awaitUnschedulable("second")).startsWith("0/1 nodes are available: 1 Insufficient cpu.");
        Writes.forceDelete(h.pods, NS, "first"); // gone from its node (a terminating pod still holds room)
        assertThat(h.awaitBound("second")).isEqualTo("a");
    }

    @Test
    void podsOfOtherSchedulersAndGatedPodsAreLeftAlone() throws Exception {
        h.create(node("a", "4").build());
        h.start();
        h.create(pod("other", null).editSpec().withSchedulerName("my-scheduler").endSpec().build());
        h.create(pod("gated", null).editSpec().addNewSchedulingGate("example.com/wait").endSpec().build());
        h.create(pod("mine", null).build());
        assertThat(h.awaitBound("mine")).isEqualTo("a");
        await().atMost(SchedulerHarness.WAIT).until(() -> conditionReason("gated") != null);
        assertThat(conditionReason("gated")).isEqualTo("SchedulingGated");
        Thread.sleep(Duration.ofMillis(300));
        assertThat(h.nodeOf("other")).isNull();
        assertThat(conditionReason("other")).isNull();
        assertThat(h.nodeOf("gated")).isNull();

        Writes.update(h.pods, NS, "gated", p -> {
            p.getSpec().setSchedulingGates(List.of());
            return p;
        });
        assertThat(h.awaitBound("gated")).isEqualTo("a");
    }

    private String conditionReason(String pod) {
        Pod p = h.pods.get(NS, pod);
        return p.getStatus() == null || p.getStatus().getConditions() == null ? null : p.getStatus().getConditions()
                .stream().filter(c -> "PodScheduled".equals(c.getType())).map(PodCondition::getReason).findFirst()
                .orElse(null);
    }
}
