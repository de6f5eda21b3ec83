package dev.kapi.apiserver.admission.plugin.podsecurity;

import static dev.kapi.apiserver.admission.AdmissionAttributes.Operation.CREATE;
import static dev.kapi.apiserver.admission.AdmissionAttributes.Operation.DELETE;
import static dev.kapi.apiserver.admission.AdmissionAttributes.Operation.UPDATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.UserInfo;
import io.fabric8.kubernetes.api.model.EphemeralContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ReplicationControllerBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

/**
 * PodSecurity on pods and workloads: enforce refuses pods in kube's words, warn and audit leave warnings and
 * audit annotations on pods and the pod templates of every workload kind, exemptions, the namespace's version and
 * the configured defaults, pod updates that change nothing the checks read, and what kube does when a namespace
 * cannot be read.
 */
class PodSecurityTest {

    private static final String RESTRICTED_PRIVILEGED = "privileged (container \"c\" must not set"
            + " securityContext.privileged=true), allowPrivilegeEscalation != false (container \"c\" must set"
            + " securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container \"c\" must set"
            + " securityContext.capabilities.drop=[\"ALL\"]), runAsNonRoot != true (pod or container \"c\" must set"
            + " securityContext.runAsNonRoot=true), seccompProfile (pod or container \"c\" must set"
            + " securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")";

    private static final Map<String, Map<String, String>> NAMESPACES = Map.of(
            "enforced", Map.of(Policy.ENFORCE_LABEL, "restricted"),
            "warned", Map.of(Policy.WARN_LABEL, "restricted"),
            "audited", Map.of(Policy.AUDIT_LABEL, "baseline"),
            "open", Map.of(),
            "old", Map.of(Policy.ENFORCE_LABEL, "restricted", Policy.ENFORCE_VERSION_LABEL, "v1.22"),
            "bad", Map.of(Policy.ENFORCE_LABEL, "strict"),
            "kube-system", Map.of(Policy.ENFORCE_LABEL, "restricted"));

    private static final PodSecurityConfiguration CONFIG = new PodSecurityConfiguration(Policy.PRIVILEGED,
            java.util.Set.of("ci-bot"), java.util.Set.of("kube-system"), java.util.Set.of("kata"));

    private final Recorded recorded = new Recorded();
    private final PodSecurity plugin = plugin(CONFIG);

    private static PodSecurity plugin(PodSecurityConfiguration config) {
        return new PodSecurity(config, new Evaluator(), name -> {
            Map<String, String> labels = NAMESPACES.get(name);
            if (name.equals("unreadable")) {
                throw StatusError.serviceUnavailable("storage is down");
            }
            if (labels == null) {
                throw StatusError.notFound(new GroupResource("", "namespaces"), name);
            }
            return labels;
        }, namespace -> List.of());
    }

    private AdmissionAttributes createPod(String namespace, Pod pod) {
        return recorded.attributes(CREATE, "/v1/pods", "", "Pod", namespace, pod, null);
    }

    @Test
    void enforceRefusesAPodInKubesWordsAndLeavesNoWarning() {
        StatusError e = catchThrowableOfType(StatusError.class,
                () -> plugin.validate(createPod("enforced", PodFixtures.privileged("web"))));
        assertThat(e.code()).isEqualTo(403);
        assertThat(e.reason()).isEqualTo("Forbidden");
        assertThat(e.getMessage()).isEqualTo("pods \"web\" is forbidden: violates PodSecurity \"restricted:latest\": "
                + RESTRICTED_PRIVILEGED);
        assertThat(e.status().getDetails().getKind()).isEqualTo("pods");
        assertThat(e.status().getDetails().getName()).isEqualTo("web");
        assertThat(recorded.annotations).containsExactly(
                Map.entry("pod-security.kubernetes.io/enforce-policy", "restricted:latest"));
        assertThat(recorded.warnings).isEmpty();
    }

    @Test
    void enforceAdmitsAPodThatPasses() {
        plugin.validate(createPod("enforced", PodFixtures.restricted()));
        assertThat(recorded.annotations).containsExactly(
                Map.entry("pod-security.kubernetes.io/enforce-policy", "restricted:latest"));
        assertThat(recorded.warnings).isEmpty();
    }

    @Test
    void warnAdmitsWithAWarning() {
        plugin.validate(createPod("warned", PodFixtures.privileged("web")));
        assertThat(recorded.warnings).containsExactly("would violate PodSecurity \"restricted:latest\": "
                + RESTRICTED_PRIVILEGED);
        assertThat(recorded.annotations).containsExactly(
                Map.entry("pod-security.kubernetes.io/enforce-policy", "privileged:latest"));
    }

    @Test
    void auditAdmitsWithAnAuditAnnotation() {
        plugin.validate(createPod("audited", PodFixtures.privileged("web")));
        assertThat(recorded.warnings).isEmpty();
        assertThat(recorded.annotations).containsEntry("pod-security.kubernetes.io/audit-violations",
                "would violate PodSecurity \"baseline:latest\": privileged (container \"c\" must not set"
                        + " securityContext.privileged=true)");
    }

    @Test
    void aNamespaceWithoutLabelsIsPrivileged() {
        plugin.validate(createPod("open", PodFixtures.privileged("web")));
        assertThat(recorded.warnings).isEmpty();
        assertThat(recorded.annotations).containsExactly(
                Map.entry("pod-security.kubernetes.io/enforce-policy", "privileged:latest"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/replicationcontrollers", "/v1/podtemplates", "apps/v1/replicasets",
            "apps/v1/deployments", "apps/v1/statefulsets", "apps/v1/daemonsets", "batch/v1/jobs", "batch/v1/cronjobs"})
    void aWorkloadIsNeverRefusedButItsTemplateIsWarnedAbout(String gvr) {
        HasMetadata workload = workload(gvr, PodFixtures.privileged("ignored"));
        plugin.validate(recorded.attributes(CREATE, gvr, "", workload.getKind(), "enforced", workload, null));
        assertThat(recorded.warnings).containsExactly("would violate PodSecurity \"restricted:latest\": "
                + RESTRICTED_PRIVILEGED);
        assertThat(recorded.annotations).isEmpty();

        Recorded audited = new Recorded();
        plugin.validate(audited.attributes(UPDATE, gvr, "", workload.getKind(), "audited", workload, workload));
        assertThat(audited.annotations).containsExactly(Map.entry("pod-security.kubernetes.io/audit-violations",
                "would violate PodSecurity \"baseline:latest\": privileged (container \"c\" must not set"
                        + " securityContext.privileged=true)"));
        assertThat(audited.warnings).isEmpty();
    }

    @Test
    void workloadSubresourcesAndOtherResourcesAreNotChecked() {
        HasMetadata deployment = workload("apps/v1/deployments", PodFixtures.privileged("x"));
        plugin.validate(recorded.attributes(UPDATE, "apps/v1/deployments", "status", "Deployment", "enforced",
                deployment, deployment));
        plugin.validate(recorded.attributes(CREATE, "apps/v1/controllerrevisions", "", "ControllerRevision", "enforced",
                deployment, null));
        assertThat(recorded.warnings).isEmpty();
        assertThat(recorded.annotations).isEmpty();
    }

    @Test
    void aReplicationControllerWithoutTemplateHasNothingToCheck() {
        HasMetadata rc = new ReplicationControllerBuilder().withNewMetadata().withName("rc").endMetadata()
                .withNewSpec().withReplicas(0).endSpec().build();
        plugin.validate(recorded.attributes(CREATE, "/v1/replicationcontrollers", "", "ReplicationController",
                "enforced", rc, null));
        assertThat(recorded.warnings).isEmpty();
    }

    @Test
    void podUpdatesAreCheckedOnlyWhenTheyChangeImagesOrContainers() {
        Pod old = PodFixtures.privileged("web");
        Pod relabelled = PodFixtures.privileged("web");
        relabelled.getMetadata().setLabels(Map.of("app", "web"));
        relabelled.getSpec().setActiveDeadlineSeconds(30L);
        plugin.validate(recorded.attributes(UPDATE, "/v1/pods", "", "Pod", "enforced", relabelled, old));
        plugin.validate(recorded.attributes(UPDATE, "/v1/pods", "status", "Pod", "enforced", relabelled, old));
        assertThat(recorded.warnings).isEmpty();

        Pod newImage = PodFixtures.privileged("web");
        newImage.getSpec().getContainers().getFirst().setImage("nginx:2");
        assertThat(catchThrowableOfType(StatusError.class, () -> plugin.validate(recorded.attributes(UPDATE,
                "/v1/pods", "", "Pod", "enforced", newImage, old))).code()).isEqualTo(403);

        Pod debugged = PodFixtures.restricted();
        debugged.getSpec().setEphemeralContainers(List.of(new EphemeralContainerBuilder().withName("debug")
                .withImage("busybox").build()));
        StatusError e = catchThrowableOfType(StatusError.class, () -> plugin.validate(recorded.attributes(UPDATE,
                "/v1/pods", "ephemeralcontainers", "Pod", "enforced", debugged, PodFixtures.restricted())));
        assertThat(e.getMessage()).startsWith("pods \"p\" is forbidden: violates PodSecurity \"restricted:latest\":"
                + " allowPrivilegeEscalation != false (container \"debug\" must set");
        plugin.validate(recorded.attributes(UPDATE, "/v1/pods", "", "Pod", "enforced", debugged, debugged));
    }

    @Test
    void deletesAreNotChecked() {
        plugin.validate(recorded.attributes(DELETE, "/v1/pods", "", "Pod", "enforced", null,
                PodFixtures.privileged("web")));
        assertThat(recorded.annotations).isEmpty();
    }

    @Test
    void exemptUsersNamespacesAndRuntimeClassesPassUnchecked() {
        UserInfo bot = new UserInfo("ci-bot", "", List.of(), Map.of());
        plugin.validate(recorded.attributes(CREATE, "/v1/pods", "", "Pod", "enforced", PodFixtures.privileged("a"),
                null, bot));
        assertThat(recorded.annotations).containsExactly(Map.entry("pod-security.kubernetes.io/exempt", "user"));

        Recorded inSystem = new Recorded();
        plugin.validate(inSystem.attributes(CREATE, "/v1/pods", "", "Pod", "kube-system", PodFixtures.privileged("b"),
                null));
        assertThat(inSystem.annotations).containsExactly(Map.entry("pod-security.kubernetes.io/exempt", "namespace"));

        Recorded kata = new Recorded();
        Pod sandboxed = PodFixtures.privileged("c");
        sandboxed.getSpec().setRuntimeClassName("kata");
        plugin.validate(kata.attributes(CREATE, "/v1/pods", "", "Pod", "enforced", sandboxed, null));
        assertThat(kata.annotations).containsExactly(Map.entry("pod-security.kubernetes.io/exempt", "runtimeClass"));
        assertThat(kata.warnings).isEmpty();

        Recorded workload = new Recorded();
        HasMetadata job = workload("batch/v1/jobs", sandboxed);
        plugin.validate(workload.attributes(CREATE, "batch/v1/jobs", "", "Job", "enforced", job, null));
        assertThat(workload.warnings).isEmpty();
    }

    @Test
    void aPodInANamespaceThatCannotBeReadIsRefusedAWorkloadPasses() {
        StatusError missing = catchThrowableOfType(StatusError.class, () -> plugin.validate(createPod("gone",
                PodFixtures.restricted())));
        assertThat(missing.code()).isEqualTo(404);
        assertThat(missing.getMessage()).isEqualTo("namespaces \"gone\" not found");
        assertThat(recorded.annotations.get("pod-security.kubernetes.io/error"))
                .isEqualTo("Internal error occurred: failed to lookup namespace \"gone\": namespaces \"gone\" not found");
        StatusError unreadable = catchThrowableOfType(StatusError.class, () -> plugin.validate(createPod("unreadable",
                PodFixtures.restricted())));
        assertThat(unreadable.code()).isEqualTo(500);
        assertThat(unreadable.getMessage()).isEqualTo("Internal error occurred: failed to lookup namespace"
                + " \"unreadable\"");

        Recorded workload = new Recorded();
        HasMetadata job = workload("batch/v1/jobs", PodFixtures.privileged("x"));
        plugin.validate(workload.attributes(CREATE, "batch/v1/jobs", "", "Job", "gone", job, null));
        assertThat(workload.annotations).containsExactly(Map.entry("pod-security.kubernetes.io/error",
                "failed to lookup namespace \"gone\": namespaces \"gone\" not found"));
    }

    @Test
    void theConfiguredDefaultsApplyWhereLabelsSayNothing() {
        PodSecurity baselineByDefault = plugin(new PodSecurityConfiguration(new Policy(PolicyTest.lv("baseline:v1.30"),
                PolicyTest.lv("privileged:latest"), PolicyTest.lv("restricted:latest")), java.util.Set.of(),
                java.util.Set.of(), java.util.Set.of()));
        StatusError e = catchThrowableOfType(StatusError.class, () -> baselineByDefault.validate(createPod("open",
                PodFixtures.privileged("web"))));
        assertThat(e.getMessage()).isEqualTo("pods \"web\" is forbidden: violates PodSecurity \"baseline:v1.30\":"
                + " privileged (container \"c\" must not set securityContext.privileged=true)");
        baselineByDefault.validate(createPod("open", PodFixtures.plain()));
        assertThat(recorded.warnings).containsExactly("would violate PodSecurity \"restricted:latest\":"
                + " allowPrivilegeEscalation != false (container \"c\" must set"
                + " securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container \"c\" must set"
                + " securityContext.capabilities.drop=[\"ALL\"]), runAsNonRoot != true (pod or container \"c\" must set"
                + " securityContext.runAsNonRoot=true), seccompProfile (pod or container \"c\" must set"
                + " securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")");
    }

    @Test
    void theNamespacesVersionChoosesTheChecks() {
        Pod root = PodFixtures.restricted(p -> PodFixtures.context(p).setRunAsUser(0L));
        plugin.validate(createPod("old", root));
        assertThat(recorded.annotations).containsEntry("pod-security.kubernetes.io/enforce-policy",
                "restricted:v1.22");
        assertThat(catchThrowableOfType(StatusError.class, () -> plugin.validate(createPod("enforced", root)))
                .getMessage()).endsWith("\"restricted:latest\": runAsUser=0 (container \"c\" must not set runAsUser=0)");
    }

    @Test
    void aBadEnforceLabelEnforcesRestrictedAndIsNotedInTheAudit() {
        StatusError e = catchThrowableOfType(StatusError.class, () -> plugin.validate(createPod("bad",
                PodFixtures.privileged("web"))));
        assertThat(e.getMessage()).contains("violates PodSecurity \"restricted:latest\"");
        assertThat(recorded.annotations).containsEntry("pod-security.kubernetes.io/error", "Failed to parse policy:"
                + " metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"strict\": must be one of"
                + " privileged, baseline, restricted");
    }

    static HasMetadata workload(String gvr, Pod pod) {
        PodTemplateSpec t = new PodTemplateSpec(pod.getMetadata(), pod.getSpec());
        return switch (gvr) {
            case "/v1/replicationcontrollers" -> new ReplicationControllerBuilder().withNewMetadata().withName("w")
                    .endMetadata().withNewSpec().withTemplate(t).endSpec().build();
            case "/v1/podtemplates" -> new PodTemplateBuilder().withNewMetadata().withName("w").endMetadata()
                    .withTemplate(t).build();
            case "apps/v1/replicasets" -> new ReplicaSetBuilder().withNewMetadata().withName("w").endMetadata()
                    .withNewSpec().withTemplate(t).endSpec().build();
            case "apps/v1/deployments" -> new DeploymentBuilder().withNewMetadata().withName("w").endMetadata()
                    .withNewSpec().withTemplate(t).endSpec().build();
            case "apps/v1/statefulsets" -> new StatefulSetBuilder().withNewMetadata().withName("w").endMetadata()
                    .withNewSpec().withTemplate(t).endSpec().build();
            case "apps/v1/daemonsets" -> new DaemonSetBuilder().withNewMetadata().withName("w").endMetadata()
                    .withNewSpec().withTemplate(t).endSpec().build();
            case "batch/v1/jobs" -> new JobBuilder().withNewMetadata().withName("w").endMetadata()
                    .withNewSpec().withTemplate(t).endSpec().build();
            case "batch/v1/cronjobs" -> new CronJobBuilder().withNewMetadata().withName("w").endMetadata()
                    .withNewSpec().withSchedule("* * * * *").withNewJobTemplate().withNewSpec().withTemplate(t)
                    .endSpec().endJobTemplate().endSpec().build();
            default -> throw new IllegalArgumentException(gvr);
        };
    }
}
