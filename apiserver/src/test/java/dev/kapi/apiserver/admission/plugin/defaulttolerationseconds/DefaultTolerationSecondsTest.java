package dev.kapi.apiserver.admission.plugin.defaulttolerationseconds;

import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.admission.plugin.PluginFixtures;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pods get NoExecute tolerations of not-ready and unreachable for 300 s unless they tolerate those taints
 * already (an empty key or effect tolerates them too); on create and update of the pod itself only.
 */
class DefaultTolerationSecondsTest {

    private static final String NOT_READY =
            "{'effect':'NoExecute','key':'node.kubernetes.io/not-ready','operator':'Exists','tolerationSeconds':300}";
    private static final String UNREACHABLE =
            "{'effect':'NoExecute','key':'node.kubernetes.io/unreachable','operator':'Exists','tolerationSeconds':300}";

    private final DefaultTolerationSeconds plugin = new DefaultTolerationSeconds(300, 300);

    @ParameterizedTest(name = "{0} pods/{1} {2}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "CREATE | '' | null | [" + NOT_READY + "," + UNREACHABLE + "]",
            "UPDATE | '' | null | [" + NOT_READY + "," + UNREACHABLE + "]",
            "CREATE | '' | [{'key':'node.kubernetes.io/not-ready','operator':'Exists','effect':'NoExecute','tolerationSeconds':10}]"
                    + " | [{'effect':'NoExecute','key':'node.kubernetes.io/not-ready','operator':'Exists','tolerationSeconds':10}," + UNREACHABLE + "]",
            "CREATE | '' | [{'key':'node.kubernetes.io/unreachable','operator':'Exists'}]"
                    + " | [{'key':'node.kubernetes.io/unreachable','operator':'Exists'}," + NOT_READY + "]",
            "CREATE | '' | [{'operator':'Exists'}] | [{'operator':'Exists'}]",
            "CREATE | '' | [{'operator':'Exists','effect':'NoSchedule'}]"
                    + " | [{'effect':'NoSchedule','operator':'Exists'}," + NOT_READY + "," + UNREACHABLE + "]",
            "CREATE | status | null | []",
            "DELETE | '' | null | []",
    })
    void addsTheMissingTolerations(Operation op, String subresource, String tolerations, String expected) {
        String spec = tolerations == null ? "{}" : "{'tolerations':" + tolerations + "}";
        Pod pod = PluginFixtures.read(Pod.class, "{'metadata':{'name':'p'},'spec':" + spec + "}");
        Pod old = op == Operation.CREATE ? null : new Pod();
        Pod obj = op == Operation.DELETE ? null : pod;
        assertThat(plugin.admit(PluginFixtures.attrs(op, "pods", subresource, "ns", "p", obj, old))).isSameAs(obj);
        assertThat(PluginFixtures.json(pod.getSpec().getTolerations()))
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "not-ready {0} s, unreachable {1} s")
    @CsvSource({"300, 300", "60, 120"})
    void theSecondsAreTheFlags(long notReady, long unreachable) {
        Pod pod = PluginFixtures.read(Pod.class, "{'spec':{}}");
        new DefaultTolerationSeconds(notReady, unreachable)
                .admit(PluginFixtures.attrs(Operation.CREATE, "pods", "", "ns", "p", pod, null));
        assertThat(pod.getSpec().getTolerations()).extracting(t -> t.getTolerationSeconds())
                .containsExactly(notReady, unreachable);
    }
}
