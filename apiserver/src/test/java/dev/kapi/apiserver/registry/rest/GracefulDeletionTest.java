package dev.kapi.apiserver.registry.rest;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.testing.BackendRegistries;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Graceful deletion of pods through the generic store, on etcd and on the embedded store (kube's
 * {@code rest.BeforeDelete} and the pod strategy's {@code CheckGracefulDelete}): a pod a node runs is only marked
 * for its grace period (the one asked for, else spec.terminationGracePeriodSeconds); a later delete may only
 * shorten it, and grace period 0 (the kubelet's) removes it. An unbound or finished pod, and any type without
 * graceful deletion, goes at once. Updates during the grace period never finish the deletion.
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GracefulDeletionTest {

    private static final String NS = "grace";
    private static final String POD = """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s"},"spec":{%s"containers":[{"name":"c",
            "image":"nginx"}]}}""";

    @TempDir
    static Path dir;

    private BackendRegistries backends;

    @BeforeAll
    void open() {
        backends = BackendRegistries.open(dir, "grace.db");
    }

    @AfterAll
    void close() {
        backends.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"etcd", "sqlite"})
    void aBoundPodIsMarkedForItsGracePeriodWhichLaterDeletesMayOnlyShorten(String backend) {
        Store<Pod> pods = pods(backend);
        String name = pod(pods, "\"nodeName\":\"n1\",", List.of());
        Instant before = Instant.now().minusSeconds(1);

        Store.DeleteResult<Pod> first = delete(pods, name, OperationOptions.delete());
        assertThat(first.deleted()).isFalse();
        ObjectMeta meta = pods.get(NS, name).getMetadata();
        assertThat(meta.getDeletionGracePeriodSeconds()).isEqualTo(30L);
        Instant at = Instant.parse(meta.getDeletionTimestamp());
        assertThat(at).isBetween(before.plusSeconds(30), Instant.now().plusSeconds(31));
        assertThat(first.object().getMetadata().getResourceVersion()).isEqualTo(meta.getResourceVersion());

        // pending: no shorter period asked, nothing changes (not even the GC finalizers a policy would add)
        String rv = meta.getResourceVersion();
        assertThat(delete(pods, name, OperationOptions.delete("Orphan")).deleted()).isFalse();
        assertThat(delete(pods, name, grace(45)).deleted()).isFalse();
        assertThat(pods.get(NS, name).getMetadata().getResourceVersion()).isEqualTo(rv);
        assertThat(pods.get(NS, name).getMetadata().getFinalizers()).isNullOrEmpty();

        // shorter: the deletion moves earlier by what the period shortens
        assertThat(delete(pods, name, grace(10)).deleted()).isFalse();
        ObjectMeta shorter = pods.get(NS, name).getMetadata();
        assertThat(shorter.getDeletionGracePeriodSeconds()).isEqualTo(10L);
        assertThat(Instant.parse(shorter.getDeletionTimestamp())).isEqualTo(at.minusSeconds(20));

        // updates in the grace period (the kubelet's status) keep it, and do not finish the deletion
        Writes.update(pods, NS, name, "status", p -> {
            p.getStatus().setPhase("Running");
            return p;
        });
        Writes.update(pods, NS, name, p -> {
            p.getMetadata().setLabels(Map.of("seen", "yes"));
            return p;
        });
        assertThat(pods.get(NS, name).getMetadata().getDeletionTimestamp()).isEqualTo(shorter.getDeletionTimestamp());

        // the kubelet's final delete: grace 0, uid precondition
        DeleteOptions now = OperationOptions.deleteWithUid(shorter.getUid());
        now.setGracePeriodSeconds(0L);
        assertThat(delete(pods, name, now).deleted()).isTrue();
        assertGone(pods, name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"etcd", "sqlite"})
    void aPodNoNodeRunsOrThatEndedOrAskedForGraceZeroGoesAtOnce(String backend) {
        Store<Pod> pods = pods(backend);
        String unbound = pod(pods, "", List.of());
        assertThat(delete(pods, unbound, OperationOptions.delete()).deleted()).isTrue();
        assertGone(pods, unbound);

        String ended = pod(pods, "\"nodeName\":\"n1\",", List.of());
        Writes.update(pods, NS, ended, "status", p -> {
            p.getStatus().setPhase("Succeeded");
            return p;
        });
        assertThat(delete(pods, ended, OperationOptions.delete()).deleted()).isTrue();

        String forced = pod(pods, "\"nodeName\":\"n1\",", List.of());
        assertThat(delete(pods, forced, grace(0)).deleted()).isTrue();
        assertGone(pods, forced);
    }

    @ParameterizedTest
    @ValueSource(strings = {"etcd", "sqlite"})
    void theSpecsGracePeriodIsTheDefaultAndANegativeOneCountsAsOneSecond(String backend) {
        Store<Pod> pods = pods(backend);
        String own = pod(pods, "\"nodeName\":\"n1\",\"terminationGracePeriodSeconds\":5,", List.of());
        delete(pods, own, OperationOptions.delete());
        assertThat(pods.get(NS, own).getMetadata().getDeletionGracePeriodSeconds()).isEqualTo(5L);

        String negative = pod(pods, "\"nodeName\":\"n1\",", List.of());
        delete(pods, negative, grace(-7));
        assertThat(pods.get(NS, negative).getMetadata().getDeletionGracePeriodSeconds()).isEqualTo(1L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"etcd", "sqlite"})
    void aFinalizerKeepsAPodPastItsGracePeriodUntilItIsRemoved(String backend) {
        Store<Pod> pods = pods(backend);
        String name = pod(pods, "\"nodeName\":\"n1\",", List.of("example.com/hold"));
        delete(pods, name, OperationOptions.delete());
        // removing the last finalizer in the grace period does not delete it: the kubelet's delete does
        Writes.update(pods, NS, name, p -> {
            p.getMetadata().setFinalizers(List.of());
            return p;
        });
        assertThat(pods.get(NS, name).getMetadata().getDeletionGracePeriodSeconds()).isEqualTo(30L);
        assertThat(delete(pods, name, grace(0)).deleted()).isTrue();

        String held = pod(pods, "\"nodeName\":\"n1\",", List.of("example.com/hold"));
        delete(pods, held, OperationOptions.delete());
        assertThat(delete(pods, held, grace(0)).deleted()).isFalse(); // held: marked with grace 0
        assertThat(pods.get(NS, held).getMetadata().getDeletionGracePeriodSeconds()).isZero();
        Writes.update(pods, NS, held, p -> {
            p.getMetadata().setFinalizers(List.of());
            return p;
        });
        assertGone(pods, held);
    }

    @ParameterizedTest
    @ValueSource(strings = {"etcd", "sqlite"})
    void aDryRunMarksNothingAndOtherTypesIgnoreTheGracePeriod(String backend) {
        Store<Pod> pods = pods(backend);
        String name = pod(pods, "\"nodeName\":\"n1\",", List.of());
        DeleteOptions dry = grace(20);
        dry.setDryRun(List.of("All"));
        Store.DeleteResult<Pod> result = delete(pods, name, dry);
        assertThat(result.deleted()).isFalse();
        assertThat(result.object().getMetadata().getDeletionGracePeriodSeconds()).isEqualTo(20L);
        assertThat(pods.get(NS, name).getMetadata().getDeletionTimestamp()).isNull();

        Store<ConfigMap> maps = backends.get(backend).find("", "v1", "configmaps", ConfigMap.class).orElseThrow();
        ConfigMap map = new ConfigMap();
        map.setMetadata(new ObjectMeta());
        map.getMetadata().setName("cm-" + UUID.randomUUID().toString().substring(0, 8));
        Writes.create(maps, NS, map);
        assertThat(Writes.PIPELINE.delete(WriteScope.of(maps, NS, Writes.ADMIN), map.getMetadata().getName(),
                grace(30)).deleted()).isTrue();
    }

    private Store<Pod> pods(String backend) {
        return backends.get(backend).find("", "v1", "pods", Pod.class).orElseThrow();
    }

    private static String pod(Store<Pod> pods, String spec, List<String> finalizers) {
        String name = "p-" + UUID.randomUUID().toString().substring(0, 8);
        Pod pod = Json.MAPPER.readValue(POD.formatted(name, spec), Pod.class);
        pod.getMetadata().setFinalizers(new ArrayList<>(finalizers));
        Writes.create(pods, NS, pod);
        return name;
    }

    private static DeleteOptions grace(long seconds) {
        DeleteOptions options = OperationOptions.delete();
        options.setGracePeriodSeconds(seconds);
        return options;
    }

    private static Store.DeleteResult<Pod> delete(Store<Pod> pods, String name, DeleteOptions options) {
        return Writes.PIPELINE.delete(WriteScope.of(pods, NS, Writes.ADMIN), name, options);
    }

    private static void assertGone(Store<Pod> pods, String name) {
        assertThatThrownBy(() -> pods.get(NS, name)).isInstanceOfSatisfying(StatusError.class,
                e -> assertThat(e.code()).isEqualTo(404));
    }
}
