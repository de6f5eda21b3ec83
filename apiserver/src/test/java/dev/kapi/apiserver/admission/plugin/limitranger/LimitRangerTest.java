package dev.kapi.apiserver.admission.plugin.limitranger;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.admission.plugin.PluginFixtures;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * LimitRanges default the resources of new pods' containers and refuse pods and claims outside their min, max
 * and limit/request ratio, in kube's words; pod updates, subresources and objects being deleted are let be.
 */
class LimitRangerTest {

    private static final String FORBIDDEN = "pods \"p\" is forbidden: ";

    private final List<LimitRange> ranges = new ArrayList<>();
    private final LimitRanger plugin = new LimitRanger(ns -> ns.equals("ns") ? ranges : List.of());

    private void range(String limits) {
        ranges.add(PluginFixtures.read(LimitRange.class, "{'metadata':{'name':'lr" + ranges.size()
                + "','namespace':'ns'},'spec':{'limits':" + limits + "}}"));
    }

    private static Pod pod(String containers) {
        return PluginFixtures.read(Pod.class, "{'metadata':{'name':'p'},'spec':{'containers':" + containers + "}}");
    }

    private static AdmissionAttributes create(HasMetadata obj, String resource) {
        return PluginFixtures.attrs(Operation.CREATE, resource, "", "ns", obj.getMetadata().getName(), obj, null);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
            // requests and limits from the defaults
            "[{'name':'a'}]"
                    + " | [{'name':'a','resources':{'limits':{'cpu':'500m','memory':'1Gi'},'requests':{'cpu':'100m','memory':'256Mi'}}}]"
                    + " | LimitRanger plugin set: cpu, memory request for container a; cpu, memory limit for container a",
            // what a container sets is kept
            "[{'name':'a','resources':{'requests':{'cpu':'200m'},'limits':{'memory':'2Gi'}}}]"
                    + " | [{'name':'a','resources':{'limits':{'memory':'2Gi','cpu':'500m'},'requests':{'cpu':'200m','memory':'256Mi'}}}]"
                    + " | LimitRanger plugin set: memory request for container a; cpu limit for container a",
            // nothing to add: no annotation
            "[{'name':'a','resources':{'requests':{'cpu':'1','memory':'1'},'limits':{'cpu':'1','memory':'1'}}}]"
                    + " | [{'name':'a','resources':{'limits':{'cpu':'1','memory':'1'},'requests':{'cpu':'1','memory':'1'}}}]"
                    + " | null",
    })
    void defaultsTheContainersOfANewPod(String containers, String expected, String annotation) {
        range("[{'type':'Container','default':{'cpu':'500m','memory':'1Gi'},'defaultRequest':{'cpu':'100m','memory':'256Mi'}}]");
        Pod pod = pod(containers);
        assertThat(plugin.admit(create(pod, "pods"))).isSameAs(pod);
        assertThat(PluginFixtures.json(pod.getSpec().getContainers())).isEqualTo(expected);
        assertThat(pod.getMetadata().getAnnotations().get("kubernetes.io/limit-ranger"))
                .isEqualTo(annotation.equals("null") ? null : annotation);
    }

    @Test
    void initContainersAreDefaultedToo() {
        range("[{'type':'Container','defaultRequest':{'cpu':'100m'}}]");
        Pod pod = PluginFixtures.read(Pod.class, "{'metadata':{'name':'p'},'spec':{'containers':[{'name':'a'}],"
                + "'initContainers':[{'name':'i'}]}}");
        plugin.admit(create(pod, "pods"));
        assertThat(pod.getSpec().getInitContainers().get(0).getResources().getRequests()).containsKey("cpu");
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("kubernetes.io/limit-ranger",
                "LimitRanger plugin set: cpu request for container a; cpu request for init container i");
    }

    @ParameterizedTest(name = "[{index}] {0} against {1}")
    @CsvSource(delimiter = '|', value = {
            "{'requests':{'cpu':'50m'},'limits':{'cpu':'50m'}} | {'type':'Container','min':{'cpu':'100m'}}"
                    + " | minimum cpu usage per Container is 100m, but request is 50m",
            "{'limits':{'cpu':'50m'}} | {'type':'Container','min':{'cpu':'100m'}}"
                    + " | minimum cpu usage per Container is 100m.  No request is specified",
            "{'requests':{'cpu':'200m'},'limits':{'cpu':'0.05'}} | {'type':'Container','min':{'cpu':'100m'}}"
                    + " | minimum cpu usage per Container is 100m, but limit is 50m",
            "{'requests':{'cpu':'100m'},'limits':{'cpu':'100m'}} | {'type':'Container','min':{'cpu':'0.1'}} | admitted",
            "{'requests':{'memory':'1Gi'}} | {'type':'Container','max':{'memory':'2Gi'}}"
                    + " | maximum memory usage per Container is 2Gi.  No limit is specified",
            "{'requests':{'memory':'1Gi'},'limits':{'memory':'3072Mi'}} | {'type':'Container','max':{'memory':'2Gi'}}"
                    + " | maximum memory usage per Container is 2Gi, but limit is 3Gi",
            "{'requests':{'memory':'1Gi'},'limits':{'memory':'2Gi'}} | {'type':'Container','max':{'memory':'2Gi'}} | admitted",
            "{'requests':{'cpu':'100m'},'limits':{'cpu':'1'}} | {'type':'Container','maxLimitRequestRatio':{'cpu':'4'}}"
                    + " | cpu max limit to request ratio per Container is 4, but provided ratio is 10.000000",
            "{'requests':{'cpu':'250m'},'limits':{'cpu':'1'}} | {'type':'Container','maxLimitRequestRatio':{'cpu':'4'}} | admitted",
            "{'limits':{'cpu':'1'}} | {'type':'Container','maxLimitRequestRatio':{'cpu':'4'}}"
                    + " | cpu max limit to request ratio per Container is 4, but no request is specified or request is 0",
            "{'requests':{'cpu':'1'}} | {'type':'Container','maxLimitRequestRatio':{'cpu':'4'}}"
                    + " | cpu max limit to request ratio per Container is 4, but no limit is specified or limit is 0",
            "{'requests':{'cpu':'50m','memory':'1Gi'},'limits':{'cpu':'50m','memory':'3Gi'}} | {'type':'Container','min':{'cpu':'100m'},'max':{'memory':'2Gi'}}"
                    + " | [minimum cpu usage per Container is 100m, but request is 50m, maximum memory usage per Container is 2Gi, but limit is 3Gi]",
    })
    void checksEachContainer(String resources, String item, String expected) {
        range("[" + item + "]");
        Pod pod = pod("[{'name':'a','resources':" + resources + "}]");
        if (expected.equals("admitted")) {
            plugin.validate(create(pod, "pods"));
            return;
        }
        PluginFixtures.forbidden(() -> plugin.validate(create(pod, "pods")), FORBIDDEN + expected);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
            // the containers' sum
            "[{'name':'a','resources':{'requests':{'cpu':'300m'},'limits':{'cpu':'300m'}}},{'name':'b','resources':{'requests':{'cpu':'300m'},'limits':{'cpu':'300m'}}}] | []"
                    + " | maximum cpu usage per Pod is 500m, but limit is 600m",
            // an init container needing more than the containers sets the floor
            "[{'name':'a','resources':{'requests':{'cpu':'100m'},'limits':{'cpu':'100m'}}}] | [{'name':'i','resources':{'requests':{'cpu':'700m'},'limits':{'cpu':'700m'}}}]"
                    + " | maximum cpu usage per Pod is 500m, but limit is 700m",
            // a sidecar (restartPolicy Always) adds to the containers
            "[{'name':'a','resources':{'requests':{'cpu':'300m'},'limits':{'cpu':'300m'}}}] | [{'name':'s','restartPolicy':'Always','resources':{'requests':{'cpu':'300m'},'limits':{'cpu':'300m'}}}]"
                    + " | maximum cpu usage per Pod is 500m, but limit is 600m",
            "[{'name':'a','resources':{'requests':{'cpu':'200m'},'limits':{'cpu':'200m'}}},{'name':'b','resources':{'requests':{'cpu':'300m'},'limits':{'cpu':'300m'}}}] | [{'name':'i','resources':{'requests':{'cpu':'400m'},'limits':{'cpu':'400m'}}}]"
                    + " | admitted",
    })
    void checksThePodAsAWhole(String containers, String initContainers, String expected) {
        range("[{'type':'Pod','max':{'cpu':'500m'}}]");
        Pod pod = PluginFixtures.read(Pod.class, "{'metadata':{'name':'p'},'spec':{'containers':" + containers
                + ",'initContainers':" + initContainers + "}}");
        if (expected.equals("admitted")) {
            plugin.validate(create(pod, "pods"));
            return;
        }
        PluginFixtures.forbidden(() -> plugin.validate(create(pod, "pods")), FORBIDDEN + expected);
    }

    @ParameterizedTest(name = "[{index}] {0} of {1}")
    @CsvSource(delimiter = '|', value = {
            "CREATE | 1Gi   | persistentvolumeclaims \"c\" is forbidden: minimum storage usage per PersistentVolumeClaim is 2Gi, but request is 1Gi",
            "CREATE | 20Gi  | persistentvolumeclaims \"c\" is forbidden: maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi",
            "UPDATE | 20Gi  | persistentvolumeclaims \"c\" is forbidden: maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi",
            "CREATE | 5Gi   | admitted",
            "CREATE | null  | persistentvolumeclaims \"c\" is forbidden: [minimum storage usage per PersistentVolumeClaim is 2Gi.  No request is specified, maximum storage usage per PersistentVolumeClaim is 10Gi.  No request is specified]",
    })
    void checksClaims(Operation op, String storage, String expected) {
        range("[{'type':'PersistentVolumeClaim','min':{'storage':'2Gi'},'max':{'storage':'10Gi'}}]");
        String requests = storage.equals("null") ? "{}" : "{'requests':{'storage':'" + storage + "'}}";
        PersistentVolumeClaim pvc = PluginFixtures.read(PersistentVolumeClaim.class,
                "{'metadata':{'name':'c'},'spec':{'resources':" + requests + "}}");
        AdmissionAttributes a = PluginFixtures.attrs(op, "persistentvolumeclaims", "", "ns", "c", pvc,
                op == Operation.UPDATE ? new PersistentVolumeClaim() : null);
        plugin.admit(a);
        if (expected.equals("admitted")) {
            plugin.validate(a);
            return;
        }
        PluginFixtures.forbidden(() -> plugin.validate(a), expected);
    }

    @ParameterizedTest(name = "[{index}] {0} {1}/{2}")
    @CsvSource({"UPDATE, pods, ''", "CREATE, pods, status", "UPDATE, persistentvolumeclaims, status",
            "DELETE, pods, ''", "CREATE, configmaps, ''"})
    void otherWritesAreLetBe(Operation op, String resource, String subresource) {
        range("[{'type':'Container','min':{'cpu':'1'},'default':{'cpu':'2'}},"
                + "{'type':'PersistentVolumeClaim','min':{'storage':'2Gi'}}]");
        Pod pod = pod("[{'name':'a'}]");
        String before = PluginFixtures.json(pod);
        AdmissionAttributes a = PluginFixtures.attrs(op, resource, subresource, "ns", "p",
                op == Operation.DELETE ? null : pod, op == Operation.CREATE ? null : pod(("[{'name':'a'}]")));
        plugin.admit(a);
        plugin.validate(a);
        assertThat(PluginFixtures.json(pod)).isEqualTo(before);
    }

    @Test
    void aValueThatIsNotAQuantityIsLeftToTheObjectsValidation() {
        range("[{'type':'Container','min':{'cpu':'100m'}}]");
        Pod pod = pod("[{'name':'a','resources':{'requests':{'cpu':'lots','memory':'1Gi'},'limits':{'cpu':'1'}}}]");
        PluginFixtures.forbidden(() -> plugin.validate(create(pod, "pods")),
                FORBIDDEN + "minimum cpu usage per Container is 100m.  No request is specified");
    }

    @Test
    void aClaimBeingDeletedIsLetBe() {
        range("[{'type':'PersistentVolumeClaim','min':{'storage':'2Gi'}}]");
        PersistentVolumeClaim old = PluginFixtures.read(PersistentVolumeClaim.class,
                "{'metadata':{'name':'c','deletionTimestamp':'2024-01-01T00:00:00Z'}}");
        PersistentVolumeClaim pvc = PluginFixtures.read(PersistentVolumeClaim.class, "{'metadata':{'name':'c'}}");
        plugin.validate(PluginFixtures.attrs(Operation.UPDATE, "persistentvolumeclaims", "", "ns", "c", pvc, old));
    }

    @Test
    void eachLimitRangeIsCheckedInTurn() {
        range("[{'type':'Container','max':{'cpu':'2'}}]");
        range("[{'type':'Container','min':{'cpu':'1'}}]");
        Pod pod = pod("[{'name':'a','resources':{'requests':{'cpu':'500m'},'limits':{'cpu':'1'}}}]");
        PluginFixtures.forbidden(() -> plugin.validate(create(pod, "pods")),
                FORBIDDEN + "minimum cpu usage per Container is 1, but request is 500m");
    }
}
