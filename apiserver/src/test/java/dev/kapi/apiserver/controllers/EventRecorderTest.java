package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Events an {@link EventRecorder} writes, on a real etcd: every field a controller's Event has (what
 * {@code kubectl describe} and the controllers' tests read), a node agent's source and container references in
 * order, reportingInstance when asked, a repeat raising the count of the last Event, and nothing without an
 * events store.
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventRecorderTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final UserInfo CONTROLLER = SystemUsers.controller("test-controller");

    private EtcdStorage storage;
    private Store<Event> events;

    @BeforeAll
    void start() {
        storage = EtcdStorage.connect(EtcdExtension.endpoints());
        String prefix = EtcdExtension.randomPrefix();
        StoreRegistry stores = TestStores.of(storage, prefix);
        events = stores.find("", "v1", "events", Event.class).orElseThrow();
    }

    @AfterAll
    void stop() {
        storage.close();
    }

    private static ConfigMap object(String namespace, String name) {
        return new ConfigMapBuilder().withNewMetadata().withNamespace(namespace).withName(name).withUid(name + "-uid")
                .withResourceVersion("42").endMetadata().build();
    }

    private EventRecorder.Builder recorder(String component) {
        return EventRecorder.builder(Writes.PIPELINE, events, CONTROLLER, component);
    }

    /** The namespace's Events, by name (the order they were made in). */
    private List<Event> eventsIn(String namespace) {
        return events.list(namespace, ListParams.<Event>all()).items().stream()
                .sorted(Comparator.comparing(e -> e.getMetadata().getName())).toList();
    }

    @Test
    void aControllersEventNamesTheObjectAndTheController() {
        Instant before = Instant.now();
        recorder("deployment-controller").about("apps/v1", "Deployment").build()
                .normal(object("rec-plain", "web"), "ScalingReplicaSet", "Scaled up replica set web-1 from 0 to 3");
        await().atMost(WAIT).until(() -> eventsIn("rec-plain").size() == 1);
        Event e = eventsIn("rec-plain").getFirst();
        assertThat(e.getMetadata().getName()).matches("web\\.[0-9a-f]+");
        long nanos = Long.parseLong(e.getMetadata().getName().substring(4), 16);
        assertThat(nanos).isGreaterThanOrEqualTo(before.getEpochSecond() * 1_000_000_000L + before.getNano());
        assertThat(e.getInvolvedObject()).isEqualTo(new ObjectReferenceBuilder().withApiVersion("apps/v1")
                .withKind("Deployment").withNamespace("rec-plain").withName("web").withUid("web-uid")
                .withResourceVersion("42").build());
        assertThat(e.getType() + " " + e.getReason() + ": " + e.getMessage())
                .isEqualTo("Normal ScalingReplicaSet: Scaled up replica set web-1 from 0 to 3");
        assertThat(e.getSource().getComponent()).isEqualTo("deployment-controller");
        assertThat(e.getSource().getHost()).isNull();
        assertThat(e.getReportingComponent()).isEqualTo("deployment-controller");
        assertThat(e.getReportingInstance()).isEmpty(); // no omitempty: kube answers ""
        assertThat(e.getAction()).isNull();
        assertThat(e.getCount()).isEqualTo(1);
        assertThat(e.getFirstTimestamp()).isEqualTo(e.getLastTimestamp())
                .isEqualTo(Instant.parse(e.getFirstTimestamp()).toString());
        assertThat(Instant.parse(e.getFirstTimestamp())).isAfterOrEqualTo(before.minusSeconds(1));
        assertThat(e.getMetadata().getManagedFields()).singleElement()
                .satisfies(f -> assertThat(f.getManager()).isEqualTo("kube-controller-manager"));
    }

    @Test
    void withoutAboutTheObjectsOwnKindAndAReportingInstanceWhenAsked() {
        recorder("job-controller").reportingInstance("").build().warning(object("rec-own", "conf"), "Failed", "no");
        await().atMost(WAIT).until(() -> eventsIn("rec-own").size() == 1);
        Event e = eventsIn("rec-own").getFirst();
        assertThat(e.getInvolvedObject().getApiVersion() + " " + e.getInvolvedObject().getKind())
                .isEqualTo("v1 ConfigMap");
        assertThat(e.getType()).isEqualTo("Warning");
        assertThat(e.getReportingInstance()).isEmpty();
    }

    @Test
    void aNodeAgentsEventsComeFromItsNodeInOrder() {
        EventRecorder kubelet = EventRecorder.builder(Writes.PIPELINE, events, new UserInfo("system:node:n1", "",
                List.of("system:nodes", "system:authenticated"), Map.of()), "kubelet").onNode("n1").build();
        var pod = new ObjectReferenceBuilder().withApiVersion("v1").withKind("Pod").withNamespace("rec-node")
                .withName("p").withUid("p-uid");
        kubelet.send(List.of(
                kubelet.event(pod.withFieldPath("spec.containers{a}").build(), "Normal", "Created", "Created a"),
                kubelet.event(pod.withFieldPath("spec.containers{b}").build(), "Normal", "Started", "Started b")));
        await().atMost(WAIT).until(() -> eventsIn("rec-node").size() == 2);
        List<Event> all = eventsIn("rec-node");
        assertThat(all).extracting(e -> e.getInvolvedObject().getFieldPath() + " " + e.getReason())
                .containsExactly("spec.containers{a} Created", "spec.containers{b} Started");
        assertThat(Long.parseLong(all.get(0).getMetadata().getResourceVersion()))
                .as("written in order").isLessThan(Long.parseLong(all.get(1).getMetadata().getResourceVersion()));
        assertThat(all).allSatisfy(e -> {
            assertThat(e.getInvolvedObject().getResourceVersion()).isNull();
            assertThat(e.getSource().getComponent()).isEqualTo("kubelet");
            assertThat(e.getSource().getHost()).isEqualTo("n1");
            assertThat(e.getReportingComponent()).isEqualTo("kubelet");
            assertThat(e.getReportingInstance()).isEqualTo("n1");
            assertThat(e.getMetadata().getManagedFields()).singleElement()
                    .satisfies(f -> assertThat(f.getManager()).isEqualTo("kubelet"));
        });
    }

    @Test
    void aCountingRecorderRaisesTheCountOfARepeatAtOnce() {
        EventRecorder hpa = recorder("horizontal-pod-autoscaler").countingRepeats().build();
        ConfigMap target = object("rec-count", "h");
        hpa.warning(target, "FailedGetScale", "not found");
        hpa.warning(target, "FailedGetScale", "not found");
        assertThat(eventsIn("rec-count")).singleElement().satisfies(e -> assertThat(e.getCount()).isEqualTo(2));
        hpa.normal(target, "SuccessfulRescale", "New size: 3");
        hpa.warning(target, "FailedGetScale", "not found");
        assertThat(eventsIn("rec-count")).extracting(e -> e.getReason() + " " + e.getCount())
                .containsExactly("FailedGetScale 2", "SuccessfulRescale 1", "FailedGetScale 1");
        hpa.forget("rec-count/h");
        hpa.warning(target, "FailedGetScale", "not found");
        assertThat(eventsIn("rec-count")).hasSize(4);
    }

    @Test
    void withoutAnEventsStoreNothingIsRecorded() {
        EventRecorder none = EventRecorder.builder(Writes.PIPELINE, null, CONTROLLER, "c").countingRepeats().build();
        none.normal(object("rec-none", "x"), "Any", "thing");
        EventRecorder.builder(Writes.PIPELINE, null, CONTROLLER, "c").build().warning(object("rec-none", "x"), "A", "b");
        assertThat(eventsIn("rec-none")).isEmpty();
    }

    @Test
    void namesAreUniqueForTheSameInstant() {
        Instant now = Instant.now();
        String first = EventRecorder.uniqueName("p", now);
        String second = EventRecorder.uniqueName("p", now);
        assertThat(second).isNotEqualTo(first);
        assertThat(Long.parseLong(second.substring(2), 16)).isGreaterThan(Long.parseLong(first.substring(2), 16));
    }
}
