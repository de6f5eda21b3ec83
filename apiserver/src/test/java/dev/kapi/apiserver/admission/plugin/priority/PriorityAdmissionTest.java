package dev.kapi.apiserver.admission.plugin.priority;

import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.admission.plugin.PluginFixtures;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pods get priority and preemption policy from their class, the global default (lowest of several) or 0;
 * an unknown class, or a priority or policy other than the class's, is refused; updates keep the stored
 * values; a second global default class is refused.
 */
class PriorityAdmissionTest {

    private static final String FORBIDDEN = "pods \"p\" is forbidden: ";

    /** name=value[=default][=Never] */
    private static PriorityAdmission plugin(String classes) {
        List<PriorityClass> list = new ArrayList<>();
        for (String c : classes.isBlank() ? new String[0] : classes.trim().split(" ")) {
            String[] p = c.split("=");
            list.add(PluginFixtures.read(PriorityClass.class, "{'metadata':{'name':'" + p[0] + "'},'value':" + p[1]
                    + ",'globalDefault':" + (c.contains("=default")) + ",'preemptionPolicy':'"
                    + (c.contains("=Never") ? "Never" : "PreemptLowerPriority") + "'}"));
        }
        return new PriorityAdmission(new PriorityAdmission.PriorityClasses() {
            @Override
            public PriorityClass get(String name) {
                return list.stream().filter(pc -> pc.getMetadata().getName().equals(name)).findFirst().orElse(null);
            }

            @Override
            public List<PriorityClass> list() {
                return list;
            }
        });
    }

    @ParameterizedTest(name = "[{index}] {0} with {1}")
    @CsvSource(delimiter = '|', value = {
            "{}                                              | ''                                  | {'preemptionPolicy':'PreemptLowerPriority','priority':0}",
            "{}                                              | low=5=default high=9=default        | {'preemptionPolicy':'PreemptLowerPriority','priority':5,'priorityClassName':'low'}",
            "{}                                              | calm=5=default=Never                | {'preemptionPolicy':'Never','priority':5,'priorityClassName':'calm'}",
            "{'priorityClassName':'high'}                    | low=5=default high=9                | {'preemptionPolicy':'PreemptLowerPriority','priority':9,'priorityClassName':'high'}",
            "{'priorityClassName':'system-node-critical'}    | system-node-critical=2000001000     | {'preemptionPolicy':'PreemptLowerPriority','priority':2000001000,'priorityClassName':'system-node-critical'}",
            "{'priorityClassName':'high','priority':9}       | high=9                              | {'preemptionPolicy':'PreemptLowerPriority','priority':9,'priorityClassName':'high'}",
            "{'priorityClassName':'missing'}                 | high=9                              | no PriorityClass with name missing was found",
            "{'priorityClassName':'high','priority':7}       | high=9                              | the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 9 from the given PriorityClass name",
            "{'priority':7}                                  | ''                                  | the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name",
            "{'priorityClassName':'calm','preemptionPolicy':'PreemptLowerPriority'} | calm=1=Never | the string value of PreemptionPolicy (PreemptLowerPriority) must not be provided in pod spec; priority admission controller computed Never from the given PriorityClass name",
    })
    void resolvesThePriorityOfANewPod(String spec, String classes, String expected) {
        Pod pod = PluginFixtures.read(Pod.class, "{'metadata':{'name':'p'},'spec':" + spec + "}");
        var a = PluginFixtures.attrs(Operation.CREATE, "pods", "", "ns", "p", pod, null);
        if (!expected.startsWith("{")) {
            PluginFixtures.forbidden(() -> plugin(classes).admit(a), FORBIDDEN + expected);
            return;
        }
        assertThat(plugin(classes).admit(a)).isSameAs(pod);
        assertThat(PluginFixtures.json(pod.getSpec())).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] update of {0} over {1}")
    @CsvSource(delimiter = '|', value = {
            "{}                                                  | {'priority':5,'preemptionPolicy':'Never'} | {'preemptionPolicy':'Never','priority':5}",
            "{'priority':5,'preemptionPolicy':'Never'}           | {'priority':5,'preemptionPolicy':'Never'} | {'preemptionPolicy':'Never','priority':5}",
            "{'priority':6}                                      | {'priority':5}                            | {'priority':6}",
    })
    void anUpdateKeepsTheStoredPriority(String spec, String oldSpec, String expected) {
        Pod pod = PluginFixtures.read(Pod.class, "{'metadata':{'name':'p'},'spec':" + spec + "}");
        Pod old = PluginFixtures.read(Pod.class, "{'metadata':{'name':'p'},'spec':" + oldSpec + "}");
        plugin("x=100=default").admit(PluginFixtures.attrs(Operation.UPDATE, "pods", "", "ns", "p", pod, old));
        assertThat(PluginFixtures.json(pod.getSpec())).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0} pods/{1}")
    @CsvSource({"CREATE, status", "CREATE, binding", "DELETE, ''"})
    void leavesSubresourcesAndDeletesAlone(Operation op, String subresource) {
        Pod pod = PluginFixtures.read(Pod.class, "{'metadata':{'name':'p'},'spec':{'priorityClassName':'missing'}}");
        plugin("").admit(PluginFixtures.attrs(op, "pods", subresource, "ns", "p", op == Operation.DELETE ? null : pod,
                op == Operation.DELETE ? pod : null));
        assertThat(PluginFixtures.json(pod.getSpec())).isEqualTo("{'priorityClassName':'missing'}");
    }

    @ParameterizedTest(name = "[{index}] {0} {1} (default: {2}) with {3}")
    @CsvSource(delimiter = '|', value = {
            "CREATE | new  | true  | ''                  | admitted",
            "CREATE | new  | false | old=1=default       | admitted",
            "CREATE | new  | true  | old=1=default       | PriorityClass old is already marked as default. Only one default can exist",
            "UPDATE | old  | true  | old=1=default       | admitted",
            "UPDATE | new  | true  | old=1=default new=2 | PriorityClass old is already marked as default. Only one default can exist",
    })
    void onlyOneGlobalDefault(Operation op, String name, boolean globalDefault, String classes, String expected) {
        PriorityClass pc = PluginFixtures.read(PriorityClass.class, "{'metadata':{'name':'" + name + "'},'value':3,"
                + "'globalDefault':" + globalDefault + "}");
        var a = PluginFixtures.attrs(op, "scheduling.k8s.io/priorityclasses", "", "", name, pc,
                op == Operation.UPDATE ? new PriorityClass() : null);
        if (expected.equals("admitted")) {
            plugin(classes).validate(a);
            return;
        }
        PluginFixtures.forbidden(() -> plugin(classes).validate(a),
                "priorityclasses.scheduling.k8s.io \"" + name + "\" is forbidden: " + expected);
    }
}
