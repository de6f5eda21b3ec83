package dev.kapi.apiserver.admission.plugin.resourcequota;

import dev.kapi.apiserver.api.GroupResource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ScopedResourceSelectorRequirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static dev.kapi.apiserver.admission.plugin.resourcequota.QuotaFixtures.claim;
import static dev.kapi.apiserver.admission.plugin.resourcequota.QuotaFixtures.container;
import static dev.kapi.apiserver.admission.plugin.resourcequota.QuotaFixtures.pod;
import static dev.kapi.apiserver.admission.plugin.resourcequota.QuotaFixtures.service;
import static dev.kapi.apiserver.admission.plugin.resourcequota.QuotaFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

/** What each evaluator counts, as kube's {@code pkg/quota/v1/evaluator/core} counts it. */
class EvaluatorsTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private final Evaluators evaluators = new Evaluators(Clock.fixed(NOW, ZoneOffset.UTC));
    private final Evaluator pods = evaluators.of(new GroupResource("", "pods"));

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "no resources | 'containers':[{'name':'a','image':'i'}]"
                    + " | count/pods=1,pods=1",
            "requests and limits | 'containers':[" + "A" + "]"
                    + " | count/pods=1,cpu=250m,limits.cpu=500m,limits.memory=1Gi,memory=512Mi,pods=1,"
                    + "requests.cpu=250m,requests.memory=512Mi",
            "two containers sum | 'containers':[A,B]"
                    + " | count/pods=1,cpu=1250m,limits.cpu=500m,limits.memory=1Gi,memory=512Mi,pods=1,"
                    + "requests.cpu=1250m,requests.memory=512Mi",
            "an init container raises to its peak | 'containers':[A],'initContainers':[I]"
                    + " | count/pods=1,cpu=2,limits.cpu=500m,limits.memory=1Gi,memory=512Mi,pods=1,"
                    + "requests.cpu=2,requests.memory=512Mi",
            "a sidecar adds to the sum | 'containers':[A],'initContainers':[S]"
                    + " | count/pods=1,cpu=350m,limits.cpu=500m,limits.memory=1Gi,memory=512Mi,pods=1,"
                    + "requests.cpu=350m,requests.memory=512Mi",
            "overhead on requests and set limits | 'containers':[A],'overhead':{'cpu':'10m','memory':'1Mi'}"
                    + " | count/pods=1,cpu=260m,limits.cpu=510m,limits.memory=1025Mi,memory=513Mi,pods=1,"
                    + "requests.cpu=260m,requests.memory=513Mi",
            "pod-level resources | 'containers':[A],'resources':{'requests':{'cpu':'2'}}"
                    + " | count/pods=1,cpu=2,limits.cpu=500m,limits.memory=1Gi,memory=512Mi,pods=1,"
                    + "requests.cpu=2,requests.memory=512Mi",
            "ephemeral, hugepages, extended | 'containers':[{'name':'x','image':'i','resources':{'requests':"
                    + "{'ephemeral-storage':'1Gi','hugepages-2Mi':'4Mi','example.com/gpu':'1'},"
                    + "'limits':{'ephemeral-storage':'2Gi','example.com/gpu':'1'}}}]"
                    + " | count/pods=1,ephemeral-storage=1Gi,hugepages-2Mi=4Mi,limits.ephemeral-storage=2Gi,pods=1,"
                    + "requests.ephemeral-storage=1Gi,requests.example.com/gpu=1,requests.hugepages-2Mi=4Mi",
    })
    void podUsage(String what, String spec, String usage) {
        String expanded = spec.replace("A", container("a", "'cpu':'250m','memory':'512Mi'", "'cpu':'500m','memory':'1Gi'"))
                .replace("B", container("b", "'cpu':'1'", ""))
                .replace("I", container("init", "'cpu':'2'", ""))
                .replace("S", "{'name':'side','image':'i','restartPolicy':'Always','resources':{'requests':{'cpu':'100m'}}}");
        assertThat(text(pods.usage(pod(expanded)))).isEqualTo(usage);
    }

    @Test
    void aFinishedOrLongGonePodOnlyCountsAsAnObject() {
        for (String status : List.of("'phase':'Succeeded'", "'phase':'Failed'")) {
            Pod p = QuotaFixtures.read("{'metadata':{'name':'p'},'spec':{'containers':[" + container("a", "'cpu':'1'", "")
                    + "]},'status':{" + status + "}}", Pod.class);
            assertThat(text(pods.usage(p))).isEqualTo("count/pods=1");
        }
        String deleted = "{'metadata':{'name':'p','deletionTimestamp':'%s','deletionGracePeriodSeconds':30},"
                + "'spec':{'containers':[{'name':'a','image':'i'}]}}";
        assertThat(text(pods.usage(QuotaFixtures.read(deleted.formatted("2025-12-31T23:59:00Z"), Pod.class))))
                .as("grace period over").isEqualTo("count/pods=1");
        assertThat(text(pods.usage(QuotaFixtures.read(deleted.formatted("2025-12-31T23:59:50Z"), Pod.class))))
                .as("still within its grace period").isEqualTo("count/pods=1,pods=1");
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "Terminating    |        | 'activeDeadlineSeconds':60   | true",
            "Terminating    |        | 'priorityClassName':'high'   | false",
            "NotTerminating |        | 'priorityClassName':'high'   | true",
            "BestEffort     |        | 'priorityClassName':'high'   | true",
            "BestEffort     |        | 'containers':[CPU]           | false",
            "NotBestEffort  |        | 'containers':[CPU]           | true",
            "BestEffort     |        | 'containers':[ZERO]          | true",
            "PriorityClass  | In     | 'priorityClassName':'high'   | true",
            "PriorityClass  | In     | 'priorityClassName':'low'    | false",
            "PriorityClass  | In     | 'activeDeadlineSeconds':1    | false",
            "PriorityClass  | NotIn  | 'priorityClassName':'high'   | false",
            "PriorityClass  | NotIn  | 'priorityClassName':'low'    | true",
            "PriorityClass  | NotIn  | 'activeDeadlineSeconds':1    | true",
            "PriorityClass  | Exists | 'priorityClassName':'low'    | true",
            "PriorityClass  | Exists | 'activeDeadlineSeconds':1    | false",
            "PriorityClass  | DoesNotExist | 'priorityClassName':'low' | false",
            "PriorityClass  | DoesNotExist | 'activeDeadlineSeconds':1 | true",
            "CrossNamespacePodAffinity | | 'affinity':{'podAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':"
                    + "[{'topologyKey':'k','namespaces':['other']}]}} | true",
            "CrossNamespacePodAffinity | | 'priorityClassName':'low' | false",
    })
    void podScopes(String scope, String operator, String spec, boolean matches) {
        String expanded = spec.replace("CPU", container("a", "'cpu':'1'", ""))
                .replace("ZERO", container("a", "'cpu':'0'", ""));
        ScopedResourceSelectorRequirement r = new ScopedResourceSelectorRequirement(
                operator == null ? "Exists" : operator, scope, List.of("high", "medium"));
        assertThat(pods.matchesScope(r, pod(expanded))).isEqualTo(matches);
    }

    @Test
    void podsMustSpecifyTheCpuAndMemoryAQuotaTracks() {
        Pod p = pod("'containers':[" + container("app", "'cpu':'1'", "") + "," + container("side", "", "'memory':'1Gi'")
                + "],'initContainers':[" + container("init", "'cpu':'1','memory':'1Gi'", "'cpu':'1','memory':'1Gi'") + "]");
        assertThat(pods.constraints(List.of("pods", "requests.cpu"), p)).isEqualTo("must specify requests.cpu for: side");
        assertThat(pods.constraints(List.of("limits.cpu", "limits.memory", "requests.memory", "cpu"), p))
                .isEqualTo("must specify cpu for: side; limits.cpu for: app,side; limits.memory for: app;"
                        + " requests.memory for: app,side");
        assertThat(pods.constraints(List.of("pods", "requests.ephemeral-storage"), p)).as("only cpu and memory").isNull();
    }

    @Test
    void podResourceNames() {
        assertThat(pods.matchingResources(List.of("pods", "count/pods", "requests.cpu", "limits.memory", "cpu",
                "hugepages-1Gi", "requests.hugepages-1Gi", "requests.example.com/gpu", "requests.nvidia.com/gpu",
                "requests.kubernetes.io/x", "services", "count/configmaps", "requests.storage")))
                .containsExactly("pods", "count/pods", "requests.cpu", "limits.memory", "cpu", "hugepages-1Gi",
                        "requests.hugepages-1Gi", "requests.example.com/gpu", "requests.nvidia.com/gpu");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "'type':'ClusterIP','ports':[{'port':80},{'port':81}] "
                    + "| count/services=1,services=1,services.loadbalancers=0,services.nodeports=0",
            "'type':'NodePort','ports':[{'port':80},{'port':81}] "
                    + "| count/services=1,services=1,services.loadbalancers=0,services.nodeports=2",
            "'type':'LoadBalancer','ports':[{'port':80}] "
                    + "| count/services=1,services=1,services.loadbalancers=1,services.nodeports=1",
            "'type':'LoadBalancer','allocateLoadBalancerNodePorts':false,'ports':[{'port':80},{'port':81,'nodePort':30001}] "
                    + "| count/services=1,services=1,services.loadbalancers=1,services.nodeports=1",
    })
    void serviceUsage(String spec, String usage) {
        assertThat(text(evaluators.of(new GroupResource("", "services")).usage(service(spec)))).isEqualTo(usage);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "'spec':{'resources':{'requests':{'storage':'1Gi'}}} "
                    + "| count/persistentvolumeclaims=1,persistentvolumeclaims=1,requests.storage=1Gi",
            "'spec':{'storageClassName':'gold','resources':{'requests':{'storage':'1.5'}}} "
                    + "| count/persistentvolumeclaims=1,gold.storageclass.storage.k8s.io/persistentvolumeclaims=1,"
                    + "gold.storageclass.storage.k8s.io/requests.storage=2,persistentvolumeclaims=1,requests.storage=2",
            "'spec':{'resources':{'requests':{'storage':'1Gi'}}},'status':{'allocatedResources':{'storage':'2Gi'}} "
                    + "| count/persistentvolumeclaims=1,persistentvolumeclaims=1,requests.storage=2Gi",
            "'spec':{} | count/persistentvolumeclaims=1,persistentvolumeclaims=1",
    })
    void claimUsage(String body, String usage) {
        Evaluator claims = evaluators.of(new GroupResource("", "persistentvolumeclaims"));
        assertThat(text(claims.usage(claim(body)))).isEqualTo(usage);
        assertThat(claims.matchingResources(List.of("requests.storage", "gold.storageclass.storage.k8s.io/requests.storage",
                "persistentvolumeclaims", "count/persistentvolumeclaims", "requests.cpu")))
                .containsExactly("requests.storage", "gold.storageclass.storage.k8s.io/requests.storage",
                        "persistentvolumeclaims", "count/persistentvolumeclaims");
    }

    @Test
    void otherResourcesCountObjectsUnderTheirLegacyNamesToo() {
        assertThat(text(evaluators.of(new GroupResource("", "configmaps")).usage(new ConfigMap())))
                .isEqualTo("configmaps=1,count/configmaps=1");
        Evaluator deployments = evaluators.of(new GroupResource("apps", "deployments"));
        assertThat(text(deployments.usage(new ConfigMap()))).isEqualTo("count/deployments.apps=1");
        assertThat(deployments.matchingResources(List.of("count/deployments.apps", "deployments", "pods")))
                .containsExactly("count/deployments.apps");
        assertThat(evaluators.ignored(new GroupResource("", "events"))).isTrue();
        assertThat(Evaluators.candidates(List.of("count/widgets.example.com", "count/jobs.batch", "pods")))
                .contains(new GroupResource("example.com", "widgets"), new GroupResource("batch", "jobs"),
                        new GroupResource("", "pods"));
    }
}
