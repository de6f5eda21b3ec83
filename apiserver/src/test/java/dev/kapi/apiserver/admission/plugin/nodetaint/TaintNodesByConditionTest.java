package dev.kapi.apiserver.admission.plugin.nodetaint;

import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.admission.plugin.PluginFixtures;
import io.fabric8.kubernetes.api.model.Node;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** A node created gets the not-ready NoSchedule taint once; nothing else is touched. */
class TaintNodesByConditionTest {

    private final TaintNodesByCondition plugin = new TaintNodesByCondition();

    @ParameterizedTest(name = "{0} nodes/{1} with {2}")
    @CsvSource(delimiter = '|', value = {
            "CREATE | '' | {}                                                        | [{'effect':'NoSchedule','key':'node.kubernetes.io/not-ready'}]",
            "CREATE | '' | {'taints':[{'key':'a','value':'b','effect':'NoExecute'}]} | [{'effect':'NoExecute','key':'a','value':'b'},{'effect':'NoSchedule','key':'node.kubernetes.io/not-ready'}]",
            "CREATE | '' | {'taints':[{'key':'node.kubernetes.io/not-ready','effect':'NoSchedule','value':'x'}]} | [{'effect':'NoSchedule','key':'node.kubernetes.io/not-ready','value':'x'}]",
            "CREATE | '' | {'taints':[{'key':'node.kubernetes.io/not-ready','effect':'NoExecute'}]} | [{'effect':'NoExecute','key':'node.kubernetes.io/not-ready'},{'effect':'NoSchedule','key':'node.kubernetes.io/not-ready'}]",
            "UPDATE | '' | {}                                                        | null",
            "CREATE | status | {}                                                    | null",
    })
    void taintsNewNodes(Operation op, String subresource, String spec, String taints) {
        Node node = PluginFixtures.read(Node.class, "{'metadata':{'name':'n1'},'spec':" + spec + "}");
        Node old = op == Operation.UPDATE ? new Node() : null;
        assertThat(plugin.admit(PluginFixtures.attrs(op, "nodes", subresource, "", "n1", node, old))).isSameAs(node);
        if (taints.equals("null")) {
            assertThat(PluginFixtures.json(node.getSpec())).isEqualTo(spec.replace(" ", ""));
        } else {
            assertThat(PluginFixtures.json(node.getSpec().getTaints())).isEqualTo(taints);
        }
    }
}
