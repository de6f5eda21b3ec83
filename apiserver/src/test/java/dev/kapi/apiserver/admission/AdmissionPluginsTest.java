package dev.kapi.apiserver.admission;

import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdmissionPluginsTest {

    private static final Set<String> IMPLEMENTED = Set.of("NamespaceLifecycle", "LimitRanger", "ServiceAccount",
            "ResourceQuota", "AlwaysDeny", "ValidatingAdmissionWebhook");

    @Test
    void kubesDefaultsThatAreImplementedRunInKubesOrder() {
        assertThat(AdmissionPlugins.enabled(List.of(), List.of(), IMPLEMENTED)).containsExactly(
                "NamespaceLifecycle", "LimitRanger", "ServiceAccount", "ValidatingAdmissionWebhook", "ResourceQuota");
    }

    @Test
    void enableAddsAndDisableRemovesWhateverTheFlagsOrder() {
        assertThat(AdmissionPlugins.enabled(List.of("AlwaysDeny", "ServiceAccount"), List.of("LimitRanger",
                "ResourceQuota"), IMPLEMENTED)).containsExactly("NamespaceLifecycle", "ServiceAccount",
                "ValidatingAdmissionWebhook", "AlwaysDeny");
    }

    @Test
    void badFlagsAreRefusedInKubesWords() {
        assertThatThrownBy(() -> AdmissionPlugins.enabled(List.of("Nope"), List.of("Nada"), IMPLEMENTED))
                .hasMessage("enable-admission-plugins plugin \"Nope\" is unknown, "
                        + "disable-admission-plugins plugin \"Nada\" is unknown");
        assertThatThrownBy(() -> AdmissionPlugins.enabled(List.of("LimitRanger", "AlwaysDeny"),
                List.of("AlwaysDeny", "LimitRanger"), IMPLEMENTED))
                .hasMessage("[AlwaysDeny LimitRanger] in enable-admission-plugins and disable-admission-plugins"
                        + " overlapped");
        assertThatThrownBy(() -> AdmissionPlugins.enabled(List.of("AlwaysPullImages"), List.of(), IMPLEMENTED))
                .hasMessage("enable-admission-plugins plugin \"AlwaysPullImages\" is not supported by this server yet");
        // disabling a plugin this server lacks is harmless
        assertThat(AdmissionPlugins.enabled(List.of(), List.of("AlwaysPullImages"), IMPLEMENTED)).hasSize(5);
    }

    @Test
    void theChainRunsEnabledPluginsInKubesOrderAndItsOwnPluginsAlways() {
        List<String> ran = new ArrayList<>();
        AdmissionChain chain = new AdmissionChain(
                List.of(mutating("ServiceAccount", ran), mutating("RBACEscalationPrevention", ran),
                        mutating("NamespaceLifecycle", ran), mutating("LimitRanger", ran)),
                List.of(validating("ResourceQuota", ran), validating("AlwaysDeny", ran)),
                List.of("NamespaceLifecycle", "ServiceAccount", "ResourceQuota"));
        assertThat(chain.names()).containsExactly("RBACEscalationPrevention", "NamespaceLifecycle",
                "ServiceAccount", "ResourceQuota");
        chain.mutate(dev.kapi.apiserver.testing.Attributes.of(AdmissionAttributes.Operation.CREATE, "", "v1",
                "configmaps", "", "ConfigMap", "ns", "c", null, null, null, false));
        chain.validate(null);
        assertThat(ran).containsExactly("RBACEscalationPrevention", "NamespaceLifecycle", "ServiceAccount",
                "ResourceQuota");
    }

    private static MutatingAdmission mutating(String name, List<String> ran) {
        return new MutatingAdmission() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public HasMetadata admit(AdmissionAttributes attributes) {
                ran.add(name);
                return attributes.object();
            }
        };
    }

    private static ValidatingAdmission validating(String name, List<String> ran) {
        return new ValidatingAdmission() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void validate(AdmissionAttributes attributes) {
                ran.add(name);
            }
        };
    }
}
