package dev.kapi.apiserver.admission.plugin.podsecurity;

import static dev.kapi.apiserver.admission.AdmissionAttributes.Operation.CREATE;
import static dev.kapi.apiserver.admission.AdmissionAttributes.Operation.UPDATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * PodSecurity on namespaces: bad labels refused on create and when an update changes their errors; a stricter
 * enforce level warns about the existing pods that violate it (grouped, counted, limited in number and time); an
 * exempt namespace given a policy is told it is ignored.
 */
class NamespacePoliciesTest {

    private static final PodSecurityConfiguration CONFIG = new PodSecurityConfiguration(Policy.PRIVILEGED, Set.of(),
            Set.of("kube-system"), Set.of("kata"));

    private final Recorded recorded = new Recorded();
    private final List<Pod> pods = new ArrayList<>();

    private PodSecurity plugin(int maxPods, Duration timeout, AtomicLong clock) {
        return new PodSecurity(CONFIG, new Evaluator(), name -> Map.of(), new NamespacePolicies(CONFIG,
                new Evaluator(), namespace -> {
                    if (namespace.equals("unlistable")) {
                        throw StatusError.serviceUnavailable("storage is down");
                    }
                    return pods.stream().filter(p -> p.getMetadata().getNamespace().equals(namespace)).toList();
                }, maxPods, timeout, () -> clock.addAndGet(1_000_000)));
    }

    private final PodSecurity plugin = plugin(3000, Duration.ofSeconds(1), new AtomicLong());

    private static Namespace namespace(String name, Map<String, String> labels) {
        return new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build();
    }

    private void create(Namespace ns) {
        plugin.validate(recorded.attributes(CREATE, "/v1/namespaces", "", "Namespace", ns.getMetadata().getName(), ns,
                null));
    }

    private void update(PodSecurity p, Namespace old, Namespace ns) {
        p.validate(recorded.attributes(UPDATE, "/v1/namespaces", "", "Namespace", ns.getMetadata().getName(), ns, old));
    }

    @Test
    void aNewNamespaceMustHaveValidLabels() {
        StatusError e = catchThrowableOfType(StatusError.class, () -> create(namespace("ns",
                Map.of(Policy.ENFORCE_LABEL, "strict"))));
        assertThat(e.code()).isEqualTo(422);
        assertThat(e.getMessage()).isEqualTo("Namespace \"ns\" is invalid: metadata.labels[pod-security.kubernetes.io/"
                + "enforce]: Invalid value: \"strict\": must be one of privileged, baseline, restricted");
        assertThat(e.status().getDetails().getCauses().getFirst().getField())
                .isEqualTo("metadata.labels[pod-security.kubernetes.io/enforce]");

        StatusError two = catchThrowableOfType(StatusError.class, () -> create(namespace("ns",
                Map.of(Policy.WARN_LABEL, "strict", Policy.WARN_VERSION_LABEL, "1.30"))));
        assertThat(two.getMessage()).isEqualTo("Namespace \"ns\" is invalid: [metadata.labels[pod-security.kubernetes.io"
                + "/warn]: Invalid value: \"strict\": must be one of privileged, baseline, restricted, metadata.labels["
                + "pod-security.kubernetes.io/warn-version]: Invalid value: \"1.30\": must be \"latest\" or \"v1.x\"]");

        create(namespace("ns", Map.of(Policy.ENFORCE_LABEL, "restricted", Policy.ENFORCE_VERSION_LABEL, "v1.30")));
        assertThat(recorded.warnings).isEmpty();
    }

    @Test
    void anUpdateMayKeepLabelsThatWereAlreadyBadButNotMakeThemBad() {
        Namespace good = namespace("ns", Map.of(Policy.ENFORCE_LABEL, "baseline"));
        Namespace bad = namespace("ns", Map.of(Policy.ENFORCE_LABEL, "strict"));
        assertThat(catchThrowableOfType(StatusError.class, () -> update(plugin, good, bad)).code()).isEqualTo(422);
        Namespace stillBad = namespace("ns", Map.of(Policy.ENFORCE_LABEL, "strict", "team", "a"));
        update(plugin, bad, stillBad);
        Namespace otherwiseBad = namespace("ns", Map.of(Policy.ENFORCE_LABEL, "stricter"));
        assertThat(catchThrowableOfType(StatusError.class, () -> update(plugin, bad, otherwiseBad)).code())
                .isEqualTo(422);
    }

    @Test
    void aStricterEnforceLevelWarnsAboutTheExistingPodsThatViolateIt() {
        pods.add(owned(PodFixtures.privileged("web-2"), "rs-1"));
        pods.add(owned(PodFixtures.privileged("web-1"), "rs-1"));
        pods.add(PodFixtures.privileged("web-3"));
        Pod db = PodFixtures.plain();
        db.getMetadata().setName("db");
        db.getSpec().setHostNetwork(true);
        pods.add(db);
        pods.add(PodFixtures.plain());
        Pod elsewhere = PodFixtures.privileged("other");
        elsewhere.getMetadata().setNamespace("other");
        pods.add(elsewhere);

        update(plugin, namespace("ns", Map.of()), namespace("ns", Map.of(Policy.ENFORCE_LABEL, "baseline")));
        assertThat(recorded.warnings).containsExactly(
                "existing pods in namespace \"ns\" violate the new PodSecurity enforce level \"baseline:latest\"",
                "db: host namespaces",
                "web-1 (and 2 other pods): privileged");
    }

    @Test
    void noCheckWhenEnforceDoesNotGetStricter() {
        pods.add(PodFixtures.privileged("web"));
        Namespace restricted = namespace("ns", Map.of(Policy.ENFORCE_LABEL, "restricted"));
        update(plugin, restricted, namespace("ns", Map.of(Policy.ENFORCE_LABEL, "restricted", "team", "a")));
        update(plugin, restricted, namespace("ns", Map.of(Policy.ENFORCE_LABEL, "baseline")));
        update(plugin, restricted, namespace("ns", Map.of(Policy.ENFORCE_LABEL, "privileged",
                Policy.ENFORCE_VERSION_LABEL, "v1.20")));
        update(plugin, restricted, namespace("ns", Map.of(Policy.WARN_LABEL, "restricted")));
        plugin.validate(recorded.attributes(UPDATE, "/v1/namespaces", "status", "Namespace", "ns",
                namespace("ns", Map.of(Policy.ENFORCE_LABEL, "strict")), restricted));
        assertThat(recorded.warnings).isEmpty();

        update(plugin, restricted, namespace("ns", Map.of(Policy.ENFORCE_LABEL, "baseline",
                Policy.ENFORCE_VERSION_LABEL, "v1.30")));
        assertThat(recorded.warnings).as("another version is checked even when the level is lower").containsExactly(
                "existing pods in namespace \"ns\" violate the new PodSecurity enforce level \"baseline:v1.30\"",
                "web: privileged");
    }

    @Test
    void anExemptNamespaceIsToldItsPolicyIsIgnored() {
        pods.add(PodFixtures.privileged("web"));
        pods.getFirst().getMetadata().setNamespace("kube-system");
        create(namespace("kube-system", Map.of(Policy.ENFORCE_LABEL, "baseline", Policy.WARN_LABEL, "restricted")));
        update(plugin, namespace("kube-system", Map.of()), namespace("kube-system", Map.of(
                Policy.AUDIT_VERSION_LABEL, "v1.25", Policy.ENFORCE_LABEL, "restricted")));
        assertThat(recorded.warnings).containsExactly(
                "namespace \"kube-system\" is exempt from Pod Security, and the policy (enforce=baseline:latest,"
                        + " warn=restricted:latest) will be ignored",
                "namespace \"kube-system\" is exempt from Pod Security, and the policy (enforce=restricted:latest) will"
                        + " be ignored");
    }

    @Test
    void atMostMaxPodsAreCheckedOnePerControllerFirst() {
        pods.add(owned(PodFixtures.restricted(p -> p.getMetadata().setName("a-1")), "a"));
        pods.add(owned(PodFixtures.restricted(p -> p.getMetadata().setName("a-2")), "a"));
        pods.add(owned(PodFixtures.privileged("b-1"), "b"));
        Pod sandboxed = PodFixtures.privileged("kata-1");
        sandboxed.getSpec().setRuntimeClassName("kata");
        pods.add(sandboxed);
        update(plugin(2, Duration.ofSeconds(1), new AtomicLong()), namespace("ns", Map.of()),
                namespace("ns", Map.of(Policy.ENFORCE_LABEL, "baseline")));
        assertThat(recorded.warnings).containsExactly(
                "new PodSecurity enforce level only checked against the first 2 of 3 existing pods",
                "existing pods in namespace \"ns\" violate the new PodSecurity enforce level \"baseline:latest\"",
                "b-1: privileged");
    }

    @Test
    void theCheckStopsAfterItsTime() {
        pods.add(PodFixtures.privileged("a"));
        pods.add(PodFixtures.privileged("b"));
        pods.add(PodFixtures.privileged("c"));
        // each reading of the clock is 1 ms later: the deadline, 1 ms after the start, is reached after the first pod
        update(plugin(3000, Duration.ofMillis(1), new AtomicLong()), namespace("ns", Map.of()),
                namespace("ns", Map.of(Policy.ENFORCE_LABEL, "baseline")));
        assertThat(recorded.warnings).containsExactly(
                "new PodSecurity enforce level only checked against the first 1 of 3 existing pods",
                "existing pods in namespace \"ns\" violate the new PodSecurity enforce level \"baseline:latest\"",
                "a: privileged");
    }

    @Test
    void podsThatCannotBeListedAreAWarning() {
        update(plugin, namespace("unlistable", Map.of()), namespace("unlistable",
                Map.of(Policy.ENFORCE_LABEL, "baseline")));
        assertThat(recorded.warnings).containsExactly("failed to list pods while checking new PodSecurity enforce level");
    }

    private static Pod owned(Pod pod, String controllerUid) {
        OwnerReference ref = new OwnerReference();
        ref.setController(true);
        ref.setUid(controllerUid);
        ref.setKind("ReplicaSet");
        ref.setName(controllerUid);
        pod.getMetadata().setOwnerReferences(List.of(ref));
        return pod;
    }
}
