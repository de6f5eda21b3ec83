package dev.kapi.apiserver.admission;

import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.ConfigMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Which writes NamespaceLifecycle refuses: creates in a namespace that does not exist, nothing else. */
class NamespaceLifecycleTest {

    private final NamespaceLifecycle plugin = new NamespaceLifecycle(Set.of("default", "team-a")::contains);

    @ParameterizedTest(name = "{0} in \"{1}\" -> {2}")
    @CsvSource(nullValues = "null", value = {
            "CREATE, default, admitted",
            "CREATE, team-a, admitted",
            "CREATE, missing, 404",
            "CREATE, '', admitted",      // cluster-scoped
            "CREATE, null, admitted",
            "UPDATE, missing, admitted",
            "DELETE, missing, admitted",
    })
    void decides(Operation operation, String namespace, String expected) {
        ConfigMap cm = new ConfigMap();
        AdmissionAttributes a = new AdmissionAttributes(operation, "", "v1", "configmaps", "", "ConfigMap",
                namespace, "x", cm, null, null, false);
        if (expected.equals("admitted")) {
            assertThat(plugin.admit(a)).isSameAs(cm);
            return;
        }
        StatusError e = catchThrowableOfType(StatusError.class, () -> plugin.admit(a));
        assertThat(e.code()).isEqualTo(404);
        assertThat(e.status().getReason()).isEqualTo("NotFound");
        assertThat(e.status().getMessage()).isEqualTo("namespaces \"missing\" not found");
        assertThat(e.status().getDetails().getName()).isEqualTo("missing");
        assertThat(e.status().getDetails().getKind()).isEqualTo("namespaces");
    }
}
