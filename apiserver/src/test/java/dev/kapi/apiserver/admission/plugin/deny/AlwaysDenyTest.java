package dev.kapi.apiserver.admission.plugin.deny;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.admission.plugin.PluginFixtures;
import io.fabric8.kubernetes.api.model.ConfigMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** AlwaysDeny refuses every write, in both phases, naming the object as kube's admission errors do. */
class AlwaysDenyTest {

    private final AlwaysDeny plugin = new AlwaysDeny();

    @ParameterizedTest(name = "{0} {1}/{2} \"{3}\" -> {4}")
    @CsvSource(nullValues = "null", value = {
            "CREATE, configmaps, '', x, configmaps \"x\"",
            "CREATE, configmaps, '', '', configmaps \"gen-\"",         // generateName only
            "UPDATE, pods, status, web, pods \"web\"",
            "DELETE, secrets, '', s, secrets \"s\"",
            "DELETE, secrets, '', '', secrets \"Unknown\"",          // a deletecollection's objects
            "CREATE, apps/deployments, '', d, deployments.apps \"d\"",
    })
    void refusesEveryWrite(Operation op, String resource, String subresource, String name, String subject) {
        ConfigMap cm = op == Operation.DELETE ? null
                : PluginFixtures.read(ConfigMap.class, "{'metadata':{'generateName':'gen-'}}");
        AdmissionAttributes a = PluginFixtures.attrs(op, resource, subresource, "ns", name, cm,
                op == Operation.CREATE ? null : new ConfigMap());
        String message = subject + " is forbidden: admission control is denying all modifications";
        PluginFixtures.forbidden(() -> plugin.admit(a), message);
        PluginFixtures.forbidden(() -> plugin.validate(a), message);
    }
}
