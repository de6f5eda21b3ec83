package dev.kapi.apiserver.admission;

import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.admission.NamespaceLifecycle.Phase;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.testing.Attributes;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Which writes NamespaceLifecycle refuses: creates in a namespace that does not exist (404) or is being
 * deleted (403), and deleting the namespaces the server needs (403); nothing else.
 */
class NamespaceLifecycleTest {

    private final NamespaceLifecycle plugin = new NamespaceLifecycle(name -> Map.of(
            "default", Phase.ACTIVE, "team-a", Phase.ACTIVE, "leaving", Phase.TERMINATING)
            .getOrDefault(name, Phase.MISSING));

    @ParameterizedTest(name = "{0} in \"{1}\" -> {2}")
    @CsvSource(nullValues = "null", value = {
            "CREATE, default, admitted",
            "CREATE, team-a, admitted",
            "CREATE, missing, 404",
            "CREATE, leaving, 403",
            "CREATE, '', admitted",      // cluster-scoped
            "CREATE, null, admitted",
            "UPDATE, missing, admitted",
            "UPDATE, leaving, admitted",
            "DELETE, missing, admitted",
            "DELETE, leaving, admitted",
    })
    void decides(Operation operation, String namespace, String expected) {
        ConfigMap cm = new ConfigMap();
        AdmissionAttributes a = configMap(operation, namespace, "x", cm);
        if (expected.equals("admitted")) {
            assertThat(plugin.admit(a)).isSameAs(cm);
            return;
        }
        StatusError e = catchThrowableOfType(StatusError.class, () -> plugin.admit(a));
        if (expected.equals("404")) {
            assertThat(e.code()).isEqualTo(404);
            assertThat(e.status().getReason()).isEqualTo("NotFound");
            assertThat(e.status().getMessage()).isEqualTo("namespaces \"missing\" not found");
            assertThat(e.status().getDetails().getName()).isEqualTo("missing");
            assertThat(e.status().getDetails().getKind()).isEqualTo("namespaces");
            return;
        }
        assertTerminating(e, "x");
    }

    @Test
    void aGeneratedNameIsNamedByItsPrefix() {
        ConfigMap cm = new ConfigMap();
        cm.setMetadata(new ObjectMetaBuilder().withGenerateName("gen-").build());
        assertTerminating(catchThrowableOfType(StatusError.class,
                () -> plugin.admit(configMap(Operation.CREATE, "leaving", "", cm))), "gen-");
    }

    private static void assertTerminating(StatusError e, String name) {
        assertThat(e.code()).isEqualTo(403);
        assertThat(e.status().getReason()).isEqualTo("Forbidden");
        assertThat(e.status().getMessage()).isEqualTo("configmaps \"" + name + "\" is forbidden: unable to create"
                + " new content in namespace leaving because it is being terminated");
        assertThat(e.status().getDetails().getName()).isEqualTo(name);
        assertThat(e.status().getDetails().getKind()).isEqualTo("configmaps");
        assertThat(e.status().getDetails().getCauses()).singleElement().satisfies(c -> {
            assertThat(c.getReason()).isEqualTo("NamespaceTerminating");
            assertThat(c.getMessage()).isEqualTo("namespace leaving is being terminated");
            assertThat(c.getField()).isEqualTo("metadata.namespace");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "kube-system", "kube-public"})
    void theServersOwnNamespacesMayNotBeDeleted(String name) {
        AdmissionAttributes a = Attributes.of(Operation.DELETE, "", "v1", "namespaces", null, "Namespace",
                null, name, null, null, null, false);
        StatusError e = catchThrowableOfType(StatusError.class, () -> plugin.admit(a));
        assertThat(e.code()).isEqualTo(403);
        assertThat(e.status().getMessage())
                .isEqualTo("namespaces \"" + name + "\" is forbidden: this namespace may not be deleted");
        AdmissionAttributes other = Attributes.of(Operation.DELETE, "", "v1", "namespaces", null,
                "Namespace", null, "team-a", null, null, null, false);
        assertThat(plugin.admit(other)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"missing", "leaving"})
    void accessReviewsAreLetThroughAnywhere(String namespace) {
        AdmissionAttributes a = Attributes.of(Operation.CREATE, "authorization.k8s.io", "v1",
                "localsubjectaccessreviews", null, "LocalSubjectAccessReview", namespace, "", null, null, null, false);
        assertThat(plugin.admit(a)).isNull();
    }

    private static AdmissionAttributes configMap(Operation operation, String namespace, String name, ConfigMap cm) {
        return Attributes.of(operation, "", "v1", "configmaps", null, "ConfigMap", namespace, name, cm,
                null, null, false);
    }
}
