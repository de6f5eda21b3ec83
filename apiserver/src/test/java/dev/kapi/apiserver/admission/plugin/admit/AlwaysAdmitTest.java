package dev.kapi.apiserver.admission.plugin.admit;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.admission.plugin.PluginFixtures;
import io.fabric8.kubernetes.api.model.ConfigMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** AlwaysAdmit lets every write through unchanged. */
class AlwaysAdmitTest {

    private final AlwaysAdmit plugin = new AlwaysAdmit();

    @ParameterizedTest(name = "{0} {1}/{2}")
    @CsvSource(nullValues = "null", value = {
            "CREATE, configmaps, ''", "UPDATE, pods, status", "DELETE, namespaces, ''", "CONNECT, pods, exec"})
    void admitsEverythingUnchanged(Operation op, String resource, String subresource) {
        ConfigMap cm = PluginFixtures.read(ConfigMap.class, "{'metadata':{'name':'x'},'data':{'k':'v'}}");
        String before = PluginFixtures.json(cm);
        AdmissionAttributes a = PluginFixtures.attrs(op, resource, subresource, "ns", "x", cm, null);
        assertThat(plugin.admit(a)).isSameAs(cm);
        plugin.validate(a);
        assertThat(PluginFixtures.json(cm)).isEqualTo(before);
        assertThat(plugin.name()).isEqualTo("AlwaysAdmit");
    }
}
