package dev.kapi.apiserver.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.admission.AdmissionRecorder;
import dev.kapi.apiserver.admission.plugin.podsecurity.PodSecurity;
import dev.kapi.apiserver.api.GroupVersionKind;
import dev.kapi.apiserver.api.GroupVersionResource;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.UserInfo;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The PodSecurity plugin as the server builds it: its configuration from the "PodSecurity" entry of
 * {@code --admission-control-config-file} (inline or in a file of its own), a bad one stopping the server, and
 * {@code latest} meaning the checks of the release the server follows (v1.32).
 */
class PodSecurityAdmissionConfigTest {

    @TempDir
    Path dir;

    private static final UserInfo ALICE = new UserInfo("alice", "", List.of(), Map.of());

    private AdmissionConfigFile file(String pluginEntry) throws IOException {
        Path f = dir.resolve("admission.yaml");
        Files.writeString(f, """
                apiVersion: apiserver.config.k8s.io/v1
                kind: AdmissionConfiguration
                plugins:
                """ + pluginEntry);
        return AdmissionConfigFile.load(f.toString());
    }

    private static PodSecurity plugin(AdmissionConfigFile file) {
        return PodSecurityAdmissionConfig.podSecurity(file, name -> Map.of(), namespace -> List.of());
    }

    private static AdmissionAttributes createPod(Pod pod, UserInfo user, List<String> warnings) {
        GroupVersionKind gvk = new GroupVersionKind("", "v1", "Pod");
        return new AdmissionAttributes(Operation.CREATE, gvk, gvk, new GroupVersionResource("", "v1", "pods"), "",
                "default", pod.getMetadata().getName(), pod, null, null, user, false, new AdmissionRecorder() {
                    @Override
                    public void warn(String warning) {
                        warnings.add(warning);
                    }

                    @Override
                    public void annotate(String key, String value) {
                    }
                });
    }

    private static Pod pod(String container) {
        return new PodBuilder().withNewMetadata().withName("web").endMetadata().withNewSpec()
                .addNewContainer().withName("c").withImage("nginx").endContainer().endSpec().build();
    }

    @Test
    void theConfigurationFileGivesDefaultsAndExemptions() throws IOException {
        PodSecurity plugin = plugin(file("""
                - name: PodSecurity
                  configuration:
                    apiVersion: pod-security.admission.config.k8s.io/v1
                    kind: PodSecurityConfiguration
                    defaults:
                      enforce: restricted
                      enforce-version: v1.30
                    exemptions:
                      usernames: [ci-bot]
                """));
        StatusError e = catchThrowableOfType(StatusError.class, () -> plugin.validate(createPod(pod("c"), ALICE,
                new ArrayList<>())));
        assertThat(e.getMessage()).startsWith("pods \"web\" is forbidden: violates PodSecurity \"restricted:v1.30\":"
                + " allowPrivilegeEscalation != false");
        plugin.validate(createPod(pod("c"), new UserInfo("ci-bot", "", List.of(), Map.of()), new ArrayList<>()));
    }

    @Test
    void theConfigurationMayBeAFileOfItsOwn() throws IOException {
        Files.writeString(dir.resolve("podsecurity.yaml"), """
                apiVersion: pod-security.admission.config.k8s.io/v1
                kind: PodSecurityConfiguration
                defaults:
                  warn: baseline
                """);
        PodSecurity plugin = plugin(file("""
                - name: PodSecurity
                  path: podsecurity.yaml
                """));
        Pod privileged = pod("c");
        privileged.getSpec().getContainers().getFirst().setSecurityContext(new io.fabric8.kubernetes.api.model
                .SecurityContextBuilder().withPrivileged(true).build());
        List<String> warnings = new ArrayList<>();
        plugin.validate(createPod(privileged, ALICE, warnings));
        assertThat(warnings).containsExactly("would violate PodSecurity \"baseline:latest\": privileged (container"
                + " \"c\" must not set securityContext.privileged=true)");
    }

    @Test
    void withoutAConfigurationEveryNamespaceIsPrivileged() {
        List<String> warnings = new ArrayList<>();
        plugin(AdmissionConfigFile.empty()).validate(createPod(pod("c"), ALICE, warnings));
        assertThat(warnings).isEmpty();
    }

    @Test
    void aBadConfigurationStopsTheServer() throws IOException {
        AdmissionConfigFile bad = file("""
                - name: PodSecurity
                  configuration:
                    apiVersion: pod-security.admission.config.k8s.io/v1
                    kind: PodSecurityConfiguration
                    defaults: {enforce: strict}
                """);
        assertThatThrownBy(() -> plugin(bad)).isInstanceOf(StartupFailure.class).hasMessage("PodSecurity invalid:"
                + " defaults.enforce: Invalid value: \"strict\": must be one of privileged, baseline, restricted");
    }

    @Test
    void latestMeansTheChecksOfTheReleaseTheServerFollows() throws IOException {
        PodSecurity plugin = plugin(file("""
                - name: PodSecurity
                  configuration:
                    apiVersion: pod-security.admission.config.k8s.io/v1
                    kind: PodSecurityConfiguration
                    defaults: {enforce: baseline}
                """));
        Pod probeHost = pod("c");
        probeHost.getSpec().getContainers().getFirst().setLivenessProbe(new io.fabric8.kubernetes.api.model
                .ProbeBuilder().withNewHttpGet().withHost("10.0.0.1").withPath("/").endHttpGet().build());
        plugin.validate(createPod(probeHost, ALICE, new ArrayList<>())); // kube 1.34's check: not in v1.32
        assertThat(PodSecurityAdmissionConfig.SERVED.toString()).isEqualTo("v1.32");
    }
}
