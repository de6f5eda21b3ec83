package dev.kapi.apiserver.registry.groups.versions;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.ApiWatchEvent;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.StoreWatch;
import dev.kapi.apiserver.registry.WatchParams;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.TestStores;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Built-in resources served at several versions or groups over one storage, on a real etcd: autoscaling/v1 and
 * v2 HorizontalPodAutoscalers in {@code /registry/horizontalpodautoscalers} (stored at v2), core and
 * events.k8s.io/v1 Events in {@code /registry/events}. What one version writes the other reads, lists and
 * watches, converted as kube converts it; each version's validation applies to its writes.
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VersionsOverOneStorageTest {

    private static final String NS = "versions";

    private Storage storage;
    private String prefix;
    private Store<HorizontalPodAutoscaler> hpaV2;
    private Store<io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscaler> hpaV1;
    private Store<Event> coreEvents;
    private Store<io.fabric8.kubernetes.api.model.events.v1.Event> events;

    @BeforeAll
    void connect() {
        storage = EtcdStorage.connect(EtcdExtension.endpoints());
        prefix = EtcdExtension.randomPrefix();
        StoreRegistry stores = TestStores.of(storage, prefix);
        hpaV2 = stores.find("autoscaling", "v2", "horizontalpodautoscalers", HorizontalPodAutoscaler.class).orElseThrow();
        hpaV1 = stores.find("autoscaling", "v1", "horizontalpodautoscalers",
                io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscaler.class).orElseThrow();
        coreEvents = stores.find("", "v1", "events", Event.class).orElseThrow();
        events = stores.find("events.k8s.io", "v1", "events", io.fabric8.kubernetes.api.model.events.v1.Event.class)
                .orElseThrow();
    }

    @AfterAll
    void close() {
        storage.close();
    }

    @Test
    void aV1AutoscalerIsStoredAtV2WithItsCpuTargetAsAResourceMetric() throws Exception {
        String name = name();
        var created = Writes.create(hpaV1, NS, v1Hpa(name, """
                {"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"maxReplicas":5,
                 "targetCPUUtilizationPercentage":50}"""));
        assertThat(created.getSpec().getMinReplicas()).isEqualTo(1);
        assertThat(created.getSpec().getTargetCPUUtilizationPercentage()).isEqualTo(50);

        assertThat(storedJson(hpaV2, name).path("apiVersion").stringValue()).isEqualTo("autoscaling/v2");
        HorizontalPodAutoscaler v2 = hpaV2.get(NS, name);
        assertThat(tree(v2.getSpec().getMetrics())).isEqualTo(Json.MAPPER.readTree("""
                [{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":50}}}]"""));
        assertThat(v2.getMetadata().getResourceVersion()).isEqualTo(created.getMetadata().getResourceVersion());
        var columns = hpaV1.definition().strategy().tableColumns(); // kubectl's columns, whichever version is read
        assertThat(columns).extracting(c -> c.name())
                .containsExactly("Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age");
        assertThat(columns.get(2).cell().apply(created)).isEqualTo("cpu: <unknown>/50%");
        assertThat(columns.get(1).cell().apply(created)).isEqualTo("Deployment/web");
        assertThat(created.getStatus().getCurrentReplicas()).isZero(); // v1 always writes its replica counts
        assertThat(v2.getStatus().getCurrentReplicas()).isNull(); // v2 omits a zero currentReplicas, as kube's does
        assertThat(v2.getStatus().getDesiredReplicas()).isZero();
    }

    @Test
    void aV1AutoscalerWithoutTargetGetsKubesImplicitEightyPercent() {
        String name = name();
        var created = Writes.create(hpaV1, NS, v1Hpa(name, """
                {"scaleTargetRef":{"kind":"Deployment","name":"web"},"maxReplicas":3}"""));
        assertThat(created.getSpec().getTargetCPUUtilizationPercentage()).isEqualTo(80);
        assertThat(hpaV2.get(NS, name).getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization())
                .isEqualTo(80);
    }

    @Test
    void whatOnlyV2CanSayTravelsThroughV1InKubesAnnotationsAndSurvivesAV1Update() throws Exception {
        String name = name();
        HorizontalPodAutoscaler v2 = Json.convert(Json.MAPPER.readTree("""
                {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"%s"},
                 "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"minReplicas":2,
                  "maxReplicas":6,"metrics":[
                   {"type":"Resource","resource":{"name":"memory","target":{"type":"AverageValue","averageValue":"100Mi"}}},
                   {"type":"Pods","pods":{"metric":{"name":"qps"},"target":{"type":"AverageValue","averageValue":"10"}}},
                   {"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":70}}}],
                  "behavior":{"scaleDown":{"stabilizationWindowSeconds":60,"policies":[{"type":"Pods","value":1,"periodSeconds":30}]}}}}"""
                .formatted(name)), HorizontalPodAutoscaler.class);
        HorizontalPodAutoscaler created = Writes.create(hpaV2, NS, v2);
        JsonNode createdSpec = tree(created.getSpec());
        assertThat(createdSpec.at("/behavior/scaleUp/policies").size()).isEqualTo(2); // kube's scale-up defaults
        assertThat(createdSpec.at("/behavior/scaleDown/selectPolicy").stringValue()).isEqualTo("Max");

        var v1 = hpaV1.get(NS, name);
        assertThat(v1.getSpec().getTargetCPUUtilizationPercentage()).isEqualTo(70);
        var annotations = v1.getMetadata().getAnnotations();
        assertThat(Json.MAPPER.readTree(annotations.get("autoscaling.alpha.kubernetes.io/metrics"))).isEqualTo(
                Json.MAPPER.readTree("""
                        [{"type":"Resource","resource":{"name":"memory","targetAverageValue":"100Mi"}},
                         {"type":"Pods","pods":{"metricName":"qps","targetAverageValue":"10"}}]"""));
        JsonNode behavior = Json.MAPPER.readTree(annotations.get("autoscaling.alpha.kubernetes.io/behavior"));
        assertThat(behavior.at("/ScaleDown/StabilizationWindowSeconds").intValue()).isEqualTo(60);
        assertThat(behavior.at("/ScaleDown/Policies/0/PeriodSeconds").intValue()).isEqualTo(30);

        var updated = Writes.update(hpaV1, NS, name, current -> {
            current.getSpec().setMaxReplicas(8);
            return current;
        });
        assertThat(updated.getMetadata().getAnnotations()).containsKeys("autoscaling.alpha.kubernetes.io/metrics",
                "autoscaling.alpha.kubernetes.io/behavior");
        HorizontalPodAutoscaler after = hpaV2.get(NS, name);
        assertThat(after.getSpec().getMaxReplicas()).isEqualTo(8);
        assertThat(after.getMetadata().getAnnotations()).isNullOrEmpty(); // round-trip annotations are never stored
        assertThat(tree(after.getSpec().getMetrics())).isEqualTo(createdSpec.get("metrics"));
        assertThat(tree(after.getSpec().getBehavior())).isEqualTo(createdSpec.get("behavior"));
    }

    @Test
    void theStatusWrittenAtV2IsReadAtV1AsCurrentCpuUtilizationAndAnnotations() throws Exception {
        String name = name();
        Writes.create(hpaV2, NS, v2Hpa(name));
        Writes.update(hpaV2, NS, name, "status", current -> {
            current.setStatus(Json.convert(Json.MAPPER.readTree("""
                    {"currentReplicas":2,"desiredReplicas":3,"currentMetrics":[{"type":"Resource","resource":{"name":"cpu",
                      "current":{"averageUtilization":40,"averageValue":"120m"}}}],
                     "conditions":[{"type":"AbleToScale","status":"True","reason":"ReadyForNewScale"}]}"""),
                    io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerStatus.class));
            return current;
        });
        var v1 = hpaV1.get(NS, name);
        assertThat(v1.getStatus().getCurrentCPUUtilizationPercentage()).isEqualTo(40);
        assertThat(v1.getStatus().getDesiredReplicas()).isEqualTo(3);
        assertThat(Json.MAPPER.readTree(v1.getMetadata().getAnnotations().get("autoscaling.alpha.kubernetes.io/conditions"))
                .at("/0/reason").stringValue()).isEqualTo("ReadyForNewScale");
        assertThat(Json.MAPPER.readTree(v1.getMetadata().getAnnotations().get("autoscaling.alpha.kubernetes.io/current-metrics")))
                .isEqualTo(Json.MAPPER.readTree("""
                        [{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":40,"currentAverageValue":"120m"}}]"""));
    }

    @Test
    void aV1UpdateKeepsTheStoredStatusWhateverItsAnnotationsSay() throws Exception {
        String name = name();
        Writes.create(hpaV2, NS, v2Hpa(name));
        Writes.update(hpaV2, NS, name, "status", current -> {
            current.setStatus(Json.convert(Json.MAPPER.readTree("""
                    {"currentReplicas":2,"desiredReplicas":3,"currentMetrics":[{"type":"Pods","pods":{"metric":{"name":"qps"},
                      "current":{"averageValue":"7"}}}],
                     "conditions":[{"type":"AbleToScale","status":"True","reason":"ReadyForNewScale"}]}"""),
                    io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerStatus.class));
            return current;
        });
        JsonNode status = tree(hpaV2.get(NS, name).getStatus());
        // a manifest applied at v1 carries no round-trip annotations
        Writes.update(hpaV1, NS, name, current -> {
            current.getMetadata().setAnnotations(null);
            current.getSpec().setMaxReplicas(9);
            return current;
        });
        assertThat(tree(hpaV2.get(NS, name).getStatus())).isEqualTo(status);
        // nor does an update without rights on the status subresource set conditions through the annotation
        Writes.update(hpaV1, NS, name, current -> {
            current.getMetadata().setAnnotations(java.util.Map.of("autoscaling.alpha.kubernetes.io/conditions",
                    "[{\"type\":\"ScalingActive\",\"status\":\"False\",\"reason\":\"Forged\"}]"));
            return current;
        });
        HorizontalPodAutoscaler after = hpaV2.get(NS, name);
        assertThat(tree(after.getStatus())).isEqualTo(status);
        assertThat(after.getSpec().getMaxReplicas()).isEqualTo(9);
    }

    @Test
    void eachVersionIsValidatedAsKubeValidatesIt() {
        assertInvalid(() -> Writes.create(hpaV1, NS, v1Hpa(name(), """
                        {"scaleTargetRef":{"kind":"Deployment","name":"web"},"maxReplicas":0,"targetCPUUtilizationPercentage":0}""")),
                "spec.maxReplicas", "spec.metrics[0].resource.target.averageUtilization");
        HorizontalPodAutoscaler bad = v2Hpa(name());
        bad.getSpec().getMetrics().get(0).setType("Bogus");
        assertInvalid(() -> Writes.create(hpaV2, NS, bad), "spec.metrics[0].type");
        HorizontalPodAutoscaler noRef = v2Hpa(name());
        noRef.getSpec().getScaleTargetRef().setName(null);
        assertInvalid(() -> Writes.create(hpaV2, NS, noRef), "spec.scaleTargetRef.name");
    }

    @Test
    void eventsWrittenThroughEitherGroupAreSeenByWatchesOfTheOther() throws Exception {
        String now = coreEvents.list(NS, ListParams.all()).resourceVersion();
        try (StoreWatch<Event> core = coreEvents.watcher().open(NS, watchFrom(now));
             StoreWatch<io.fabric8.kubernetes.api.model.events.v1.Event> group = events.watcher().open(NS, watchFrom(now))) {
            String viaGroup = name();
            Writes.create(events, NS, newEvent(viaGroup));
            Event seen = (Event) first(core).object();
            assertThat(seen.getMetadata().getName()).isEqualTo(viaGroup);
            assertThat(seen.getApiVersion()).isEqualTo("v1");
            assertThat(seen.getMessage()).isEqualTo("Pulled the image");
            assertThat(seen.getInvolvedObject().getName()).isEqualTo("web-1");
            assertThat(seen.getReportingComponent()).isEqualTo("kapi.dev/test");
            assertThat(seen.getEventTime().getTime()).isEqualTo("2026-01-02T03:04:05.000000Z");
            assertThat(((HasMetadata) first(group).object()).getMetadata().getName()).isEqualTo(viaGroup);

            String viaCore = name();
            Event legacy = Json.convert(Json.MAPPER.readTree("""
                    {"metadata":{"name":"%s"},"involvedObject":{"kind":"Pod","namespace":"%s","name":"web-2"},
                     "reason":"Killing","message":"Stopping","type":"Normal","source":{"component":"kubelet","host":"n1"},
                     "firstTimestamp":"2026-01-02T03:04:05Z","lastTimestamp":"2026-01-02T03:05:05Z","count":3}"""
                    .formatted(viaCore, NS)), Event.class);
            Writes.create(coreEvents, NS, legacy);
            var converted = (io.fabric8.kubernetes.api.model.events.v1.Event) first(group).object();
            assertThat(converted.getApiVersion()).isEqualTo("events.k8s.io/v1");
            assertThat(converted.getNote()).isEqualTo("Stopping");
            assertThat(converted.getRegarding().getName()).isEqualTo("web-2");
            assertThat(converted.getDeprecatedSource().getComponent()).isEqualTo("kubelet");
            assertThat(converted.getDeprecatedFirstTimestamp()).isEqualTo("2026-01-02T03:04:05Z");
            assertThat(converted.getDeprecatedLastTimestamp()).isEqualTo("2026-01-02T03:05:05Z");
            assertThat(converted.getDeprecatedCount()).isEqualTo(3);
            assertThat(first(core).type()).isEqualTo("ADDED");
        }
        assertThat(events.list(NS, ListParams.all()).items()).hasSameSizeAs(coreEvents.list(NS, ListParams.all()).items());
    }

    @Test
    void eventsK8sIoSelectsByItsOwnFieldLabels() {
        var ev = newEvent(name());
        var fields = events.definition().strategy().selectableFields(ev);
        assertThat(fields).containsEntry("regarding.name", "web-1").containsEntry("reportingController", "kapi.dev/test")
                .containsEntry("type", "Normal").doesNotContainKeys("involvedObject.name", "source");
    }

    @Test
    void eventsK8sIoRefusesWhatItsApiDoesNotAllowAndCoreKeepsItsLegacyRules() {
        var noTime = newEvent(name());
        noTime.setEventTime(null);
        noTime.setType("Bogus");
        noTime.setDeprecatedCount(2);
        assertInvalid(() -> Writes.create(events, NS, noTime), "eventTime", "type", "count");
        var noController = newEvent(name());
        noController.setReportingController(null);
        noController.setAction(null);
        assertInvalid(() -> Writes.create(events, NS, noController), "reportingController", "action");

        String name = name();
        Writes.create(events, NS, newEvent(name));
        assertInvalid(() -> Writes.update(events, NS, name, current -> {
            current.setNote("changed");
            return current;
        }), "message");
    }

    private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable write, String... fields) {
        assertThatThrownBy(write).isInstanceOfSatisfying(StatusError.class, e -> {
            Status s = e.status();
            assertThat(s.getCode()).isEqualTo(422);
            assertThat(s.getDetails().getCauses()).extracting(StatusCause::getField).contains(fields);
        });
    }

    private static ApiWatchEvent first(StoreWatch<?> watch) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            List<ApiWatchEvent> got = new ArrayList<>(watch.poll(500));
            got.removeIf(e -> e.type().equals("BOOKMARK"));
            if (!got.isEmpty()) {
                return got.get(0);
            }
        }
        throw new AssertionError("no watch event within 10 s");
    }

    private static <T extends HasMetadata> WatchParams<T> watchFrom(String resourceVersion) {
        return new WatchParams<>(null, resourceVersion, null, false, null);
    }

    private JsonNode storedJson(Store<?> store, String name) throws Exception {
        return Json.MAPPER.readTree(storage.get(prefix + "/horizontalpodautoscalers/" + NS + "/" + name,
                dev.kapi.apiserver.storage.GetOptions.MOST_RECENT).value());
    }

    private static io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscaler v1Hpa(String name, String spec) {
        try {
            return Json.convert(Json.MAPPER.readTree("""
                    {"apiVersion":"autoscaling/v1","kind":"HorizontalPodAutoscaler","metadata":{"name":"%s"},"spec":%s}"""
                    .formatted(name, spec)), io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscaler.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HorizontalPodAutoscaler v2Hpa(String name) {
        return Json.convert(Json.MAPPER.readTree("""
                {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"%s"},
                 "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"maxReplicas":4,
                  "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":60}}}]}}"""
                .formatted(name)), HorizontalPodAutoscaler.class);
    }

    private static io.fabric8.kubernetes.api.model.events.v1.Event newEvent(String name) {
        return Json.convert(Json.MAPPER.readTree("""
                {"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"%s","namespace":"%s"},
                 "eventTime":"2026-01-02T03:04:05.000000Z","reportingController":"kapi.dev/test","reportingInstance":"t-1",
                 "action":"Pulling","reason":"Pulled","type":"Normal","note":"Pulled the image",
                 "regarding":{"kind":"Pod","namespace":"%s","name":"web-1"}}""".formatted(name, NS, NS)),
                io.fabric8.kubernetes.api.model.events.v1.Event.class);
    }

    private static JsonNode tree(Object o) {
        return Json.tree(o);
    }

    private static String name() {
        return "v-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
