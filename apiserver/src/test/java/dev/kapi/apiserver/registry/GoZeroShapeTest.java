package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.sqlite.SqliteStorage;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Built-in objects are stored (and so served, also from the stored bytes) in the shape kube-apiserver answers
 * them, Go's encoding/json of its structs: unset non-pointer structs as {@code {}} and unset times as null.
 * The expected fragments are kube's answers for the same requests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GoZeroShapeTest {

    private static final String NS = "shape";

    @TempDir
    static Path dir;

    private Storage backend;
    private StoreRegistry stores;

    @BeforeAll
    void open() {
        backend = SqliteStorage.open(dir.resolve("shape.db"));
        RegistryContext context = new RegistryContext(backend, "/registry", "10.96.0.0/12", "30000-32767");
        stores = new StoreRegistry(new ResourceRegistry(BuiltInResources.all(context)), backend, "/registry");
    }

    @AfterAll
    void close() {
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void serviceWithoutStatusHasAnEmptyLoadBalancer() {
        Service svc = new ServiceBuilder().withNewMetadata().withName("svc").endMetadata()
                .withNewSpec().addNewPort().withPort(80).endPort().endSpec().build();
        JsonNode stored = created("", "v1", "services", Service.class, svc);
        assertThat(stored.get("status")).isEqualTo(json("{\"loadBalancer\":{}}"));
    }

    @Test
    void deploymentWithAMinimalTemplate() {
        Deployment d = new DeploymentBuilder().withNewMetadata().withName("web").endMetadata()
                .withNewSpec().withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("nginx").withImage("nginx").endContainer().endSpec()
                .endTemplate().endSpec().build();
        JsonNode stored = created("apps", "v1", "deployments", Deployment.class, d);
        JsonNode spec = stored.get("spec");
        assertThat(spec.get("strategy")).isEqualTo(
                json("{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"25%\",\"maxSurge\":\"25%\"}}"));
        assertThat(spec.at("/template/metadata")).isEqualTo(json("{\"creationTimestamp\":null,\"labels\":{\"app\":\"web\"}}"));
        assertThat(spec.at("/template/spec/containers/0/resources")).isEqualTo(json("{}"));
        assertThat(stored.get("status")).isEqualTo(json("{}"));
    }

    @Test
    void leaseWithoutSpecHasAnEmptySpec() {
        Lease lease = new LeaseBuilder().withNewMetadata().withName("holder").endMetadata().build();
        JsonNode stored = created("coordination.k8s.io", "v1", "leases", Lease.class, lease);
        assertThat(stored.get("spec")).isEqualTo(json("{}"));
    }

    @Test
    void podConditionWithoutLastProbeTimeWritesNull() {
        Pod pod = new PodBuilder().withNewMetadata().withName("p").withNamespace(NS)
                .withCreationTimestamp("2026-01-01T00:00:00Z").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec()
                .withNewStatus().addNewCondition().withType("Ready").withStatus("True")
                .withLastTransitionTime("2026-01-01T00:00:00Z").endCondition().endStatus().build();
        JsonNode stored = Json.object(ObjectCodec.encode(pod));
        assertThat(stored.at("/status/conditions/0")).isEqualTo(json(
                "{\"lastProbeTime\":null,\"lastTransitionTime\":\"2026-01-01T00:00:00Z\",\"status\":\"True\",\"type\":\"Ready\"}"));
        assertThat(stored.at("/spec/containers/0/resources")).isEqualTo(json("{}"));
        // a decode and re-encode keeps the shape, so the stored bytes stay servable as they are
        assertThat(ObjectCodec.encode(Json.read(ObjectCodec.encode(pod), Pod.class))).isEqualTo(ObjectCodec.encode(pod));
    }

    @Test
    void eventWithoutSourceOrTimes() {
        Event e = new EventBuilder().withNewMetadata().withName("e").withNamespace(NS)
                .withCreationTimestamp("2026-01-01T00:00:00Z").endMetadata().withReason("Started").build();
        JsonNode stored = Json.object(ObjectCodec.encode(e));
        assertThat(stored.get("source")).isEqualTo(json("{}"));
        assertThat(stored.get("involvedObject")).isEqualTo(json("{}"));
        for (String time : new String[] {"eventTime", "firstTimestamp", "lastTimestamp"}) {
            assertThat(stored.get(time)).as(time).isEqualTo(json("null"));
        }
    }

    @Test
    void scalarsWithoutOmitemptyAreWrittenAsTheirZero() {
        // Event's reportingComponent and reportingInstance have no omitempty: kube answers "" for an event without
        Event e = new EventBuilder().withNewMetadata().withName("r").withNamespace(NS)
                .withCreationTimestamp("2026-01-01T00:00:00Z").endMetadata().withReason("Started").build();
        JsonNode stored = Json.object(ObjectCodec.encode(e));
        assertThat(stored.get("reportingComponent")).isEqualTo(json("\"\""));
        assertThat(stored.get("reportingInstance")).isEqualTo(json("\"\""));
        // a ReplicaSet's status.replicas (no omitempty) inside the zero status struct
        io.fabric8.kubernetes.api.model.apps.ReplicaSet rs = new io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder()
                .withNewMetadata().withName("rs").endMetadata().withNewSpec().withNewSelector()
                .addToMatchLabels("app", "web").endSelector().withNewTemplate().withNewMetadata()
                .addToLabels("app", "web").endMetadata().withNewSpec().addNewContainer().withName("c")
                .withImage("nginx").endContainer().endSpec().endTemplate().endSpec().build();
        JsonNode storedRs = created("apps", "v1", "replicasets", io.fabric8.kubernetes.api.model.apps.ReplicaSet.class, rs);
        assertThat(storedRs.get("status")).isEqualTo(json("{\"replicas\":0}"));
        // a decode and re-encode keeps the shape
        assertThat(ObjectCodec.encode(Json.read(ObjectCodec.encode(e), Event.class))).isEqualTo(ObjectCodec.encode(e));
        // an unset int64 and a stored 0 are the same value, also as trees (a Long zero, not an int one)
        io.fabric8.kubernetes.api.model.SleepAction unset = new io.fabric8.kubernetes.api.model.SleepAction();
        assertThat(Json.string(unset)).isEqualTo("{\"seconds\":0}");
        assertThat(Json.sameJson(unset, Json.read("{\"seconds\":0}".getBytes(),
                io.fabric8.kubernetes.api.model.SleepAction.class))).isTrue();
    }

    @Test
    void zeroScalarsWithOmitemptyAreLeftOut() {
        Pod pod = Json.read("""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"z","namespace":"shape","generation":0},
                 "spec":{"hostNetwork":false,"containers":[{"name":"c","image":"busybox","tty":false,"stdin":false,
                  "workingDir":"","ports":[{"containerPort":80,"hostPort":0}]}],
                  "ephemeralContainers":[{"name":"dbg","image":"busybox","tty":false}]}}""".getBytes(), Pod.class);
        JsonNode stored = Json.object(ObjectCodec.encode(pod));
        assertThat(stored.at("/metadata").has("generation")).isFalse();
        assertThat(stored.at("/spec").has("hostNetwork")).isFalse();
        assertThat(stored.at("/spec/containers/0")).isEqualTo(json(
                "{\"image\":\"busybox\",\"name\":\"c\",\"ports\":[{\"containerPort\":80}],\"resources\":{}}"));
        // EphemeralContainerCommon is flattened into EphemeralContainer, as Go does: its fields are EphemeralContainer's
        assertThat(stored.at("/spec/ephemeralContainers/0")).isEqualTo(json(
                "{\"image\":\"busybox\",\"name\":\"dbg\",\"resources\":{}}"));
        // a non-zero value is kept
        pod.getSpec().setHostNetwork(true);
        assertThat(Json.object(ObjectCodec.encode(pod)).at("/spec/hostNetwork").asBoolean()).isTrue();
    }

    @Test
    void configMapIsUnchanged() {
        ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName("cm").withNamespace(NS)
                .withUid("u").withCreationTimestamp("2026-01-01T00:00:00Z").endMetadata()
                .addToData("k", "v").build();
        assertThat(new String(ObjectCodec.encode(cm))).isEqualTo("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                + "\"metadata\":{\"creationTimestamp\":\"2026-01-01T00:00:00Z\",\"name\":\"cm\",\"namespace\":\"shape\","
                + "\"uid\":\"u\"},\"data\":{\"k\":\"v\"}}");
    }

    /** Creates {@code obj} and answers its stored JSON, checking that a read serves exactly those bytes. */
    private <T extends HasMetadata> JsonNode created(String group, String version, String resource, Class<T> type,
            T obj) {
        Store<T> store = stores.find(group, version, resource, type).orElseThrow();
        store.create(NS, obj, new WriteOptions(false, (o, old) -> { }, null));
        StoredObject<T> read = store.read(NS, obj.getMetadata().getName(), "");
        StoredJson served = read.json();
        assertThat(served).as("served from the stored bytes").isNotNull();
        assertThat(served.bytes()).isEqualTo(Json.bytes(read.object()));
        return Json.object(read.stored().value());
    }

    private static JsonNode json(String s) {
        return Json.MAPPER.readTree(s);
    }
}
