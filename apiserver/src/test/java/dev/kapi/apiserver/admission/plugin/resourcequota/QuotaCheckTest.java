package dev.kapi.apiserver.admission.plugin.resourcequota;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.testing.Attributes;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Clock;
import java.util.List;

import static dev.kapi.apiserver.admission.plugin.resourcequota.QuotaFixtures.container;
import static dev.kapi.apiserver.admission.plugin.resourcequota.QuotaFixtures.pod;
import static dev.kapi.apiserver.admission.plugin.resourcequota.QuotaFixtures.quota;
import static dev.kapi.apiserver.admission.plugin.resourcequota.QuotaFixtures.service;
import static dev.kapi.apiserver.admission.plugin.resourcequota.QuotaFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The admission decision on one write against a namespace's quotas, in kube's words. */
class QuotaCheckTest {

    private final Evaluators evaluators = new Evaluators(Clock.systemUTC());

    private List<ResourceQuota> check(List<ResourceQuota> quotas, AdmissionAttributes a) {
        return check(quotas, a, QuotaConfiguration.NONE);
    }

    private List<ResourceQuota> check(List<ResourceQuota> quotas, AdmissionAttributes a, QuotaConfiguration config) {
        return QuotaCheck.check(quotas, a, evaluators.of(a.resource().groupResource()), config);
    }

    private static String used(ResourceQuota q) {
        return ResourceLists.pretty(ResourceLists.of(q.getStatus().getUsed()));
    }

    private static AdmissionAttributes createPod(String spec) {
        return write(Operation.CREATE, "pods", pod(spec), null, false);
    }

    private static final String PLAIN = "'containers':[{'name':'app','image':'i'}]";
    private static final String SMALL = "'containers':[" + container("app", "'cpu':'500m','memory':'128Mi'",
            "'cpu':'1','memory':'256Mi'") + "]";

    /** hard / used of one quota, a pod spec, and the used after the create or kube's refusal. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "room left       | 'pods':'10' | 'pods':'3'  | PLAIN | pods=4",
            "the last unit   | 'pods':'10' | 'pods':'9'  | PLAIN | pods=10",
            "full            | 'pods':'10' | 'pods':'10' | PLAIN "
                    + "| pods \"p\" is forbidden: exceeded quota: q, requested: pods=1, used: pods=10, limited: pods=10",
            "count/pods      | 'count/pods':'1' | 'count/pods':'1' | PLAIN "
                    + "| pods \"p\" is forbidden: exceeded quota: q, requested: count/pods=1, used: count/pods=1, "
                    + "limited: count/pods=1",
            "cpu sums        | 'requests.cpu':'2','pods':'5' | 'requests.cpu':'1','pods':'1' | SMALL "
                    + "| pods=2,requests.cpu=1500m",
            "cpu over        | 'requests.cpu':'2','limits.memory':'1Gi','pods':'5' "
                    + "| 'requests.cpu':'1600m','limits.memory':'900Mi','pods':'1' | SMALL "
                    + "| pods \"p\" is forbidden: exceeded quota: q, requested: limits.memory=256Mi,requests.cpu=500m, "
                    + "used: limits.memory=900Mi,requests.cpu=1600m, limited: limits.memory=1Gi,requests.cpu=2",
            "must specify    | 'limits.cpu':'2','requests.memory':'1Gi' | 'limits.cpu':'0','requests.memory':'0' | PLAIN "
                    + "| pods \"p\" is forbidden: failed quota: q: must specify limits.cpu for: app; requests.memory for: app",
            "no usage yet    | 'pods':'10','requests.cpu':'1' | 'pods':'0' | SMALL "
                    + "| pods \"p\" is forbidden: status unknown for quota: q, resources: pods,requests.cpu",
            "other resources | 'configmaps':'1','services':'0' | 'configmaps':'1','services':'0' | PLAIN | unchanged",
    })
    void podCreates(String what, String hard, String used, String spec, String expected) {
        List<ResourceQuota> quotas = List.of(quota("q", "'hard':{" + hard + "}", hard, used));
        AdmissionAttributes a = createPod(spec.equals("PLAIN") ? PLAIN : SMALL);
        if (expected.contains("forbidden")) {
            StatusError e = catchThrowableOfType(StatusError.class, () -> check(quotas, a));
            assertThat(e).as("refused").isNotNull();
            assertThat(e.code()).isEqualTo(403);
            assertThat(e.reason()).isEqualTo("Forbidden");
            assertThat(e.getMessage()).isEqualTo(expected);
            return;
        }
        List<ResourceQuota> after = check(quotas, a);
        if (expected.equals("unchanged")) {
            assertThat(after).isSameAs(quotas);
            return;
        }
        assertThat(used(after.get(0))).isEqualTo(expected);
        assertThat(after.get(0).getMetadata().getResourceVersion()).as("charged at the version read").isEqualTo("7");
        assertThat(quotas.get(0).getStatus().getUsed()).as("the input is left alone").isNotEqualTo(after.get(0)
                .getStatus().getUsed());
    }

    @Test
    void everyMatchingQuotaIsChargedAndScopesChooseWhich() {
        List<ResourceQuota> quotas = List.of(
                quota("all", "'hard':{'pods':'5'}", "'pods':'5'", "'pods':'1'"),
                quota("best-effort", "'hard':{'pods':'2'},'scopes':['BestEffort']", "'pods':'2'", "'pods':'0'"),
                quota("not-best-effort", "'hard':{'pods':'2'},'scopes':['NotBestEffort']", "'pods':'2'", "'pods':'0'"),
                quota("high", "'hard':{'pods':'1'},'scopeSelector':{'matchExpressions':[{'scopeName':'PriorityClass',"
                        + "'operator':'In','values':['high']}]}", "'pods':'1'", "'pods':'1'"));
        List<ResourceQuota> after = check(quotas, createPod(PLAIN));
        assertThat(after).extracting(QuotaCheckTest::used).containsExactly("pods=2", "pods=1", "pods=0", "pods=1");
        assertThat(after.get(2)).isSameAs(quotas.get(2));
        StatusError e = catchThrowableOfType(StatusError.class,
                () -> check(quotas, createPod(PLAIN + ",'priorityClassName':'high'")));
        assertThat(e.getMessage()).isEqualTo("pods \"p\" is forbidden: exceeded quota: high, requested: pods=1, "
                + "used: pods=1, limited: pods=1");
    }

    @Test
    void updatesAreChargedWhatTheyAdd() {
        List<ResourceQuota> quotas = List.of(quota("q", "'hard':{'services.nodeports':'3'}",
                "'services.nodeports':'3'", "'services.nodeports':'1'"));
        Service old = service("'type':'ClusterIP','ports':[{'port':80},{'port':81}]");
        old.getMetadata().setResourceVersion("5");
        Service nodePort = service("'type':'NodePort','ports':[{'port':80},{'port':81}]");
        List<ResourceQuota> after = check(quotas, write(Operation.UPDATE, "services", nodePort, old, false));
        assertThat(used(after.get(0))).isEqualTo("services.nodeports=3");
        // the same update again uses nothing more
        nodePort.getMetadata().setResourceVersion("6");
        Service same = service("'type':'NodePort','ports':[{'port':80},{'port':81}]");
        assertThat(check(after, write(Operation.UPDATE, "services", same, nodePort, false))).isSameAs(after);
        Service three = service("'type':'NodePort','ports':[{'port':80},{'port':81},{'port':82}]");
        StatusError e = catchThrowableOfType(StatusError.class,
                () -> check(after, write(Operation.UPDATE, "services", three, nodePort, false)));
        assertThat(e.getMessage()).isEqualTo("services \"s\" is forbidden: exceeded quota: q, requested: "
                + "services.nodeports=1, used: services.nodeports=3, limited: services.nodeports=3");
    }

    @Test
    void objectCountsOfAnyResource() {
        List<ResourceQuota> quotas = List.of(quota("q", "'hard':{'count/widgets.example.com':'1','configmaps':'2'}",
                "'count/widgets.example.com':'1','configmaps':'2'", "'count/widgets.example.com':'0','configmaps':'2'"));
        ConfigMap cm = new ConfigMap();
        cm.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withGenerateName("cm-").build());
        StatusError e = catchThrowableOfType(StatusError.class,
                () -> check(quotas, write(Operation.CREATE, "configmaps", cm, null, false)));
        assertThat(e.getMessage()).as("named by generateName before a name is set").isEqualTo(
                "configmaps \"cm-\" is forbidden: exceeded quota: q, requested: configmaps=1, used: configmaps=2, "
                        + "limited: configmaps=2");
        HasMetadata widget = Json.read("{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\"}}"
                .getBytes(), io.fabric8.kubernetes.api.model.GenericKubernetesResource.class);
        AdmissionAttributes create = Attributes.of(Operation.CREATE, "example.com", "v1", "widgets", "", "Widget", "ns",
                "w", widget, null, null, false);
        assertThat(used(check(quotas, create).get(0))).isEqualTo("configmaps=2,count/widgets.example.com=1");
        AdmissionAttributes update = Attributes.of(Operation.UPDATE, "example.com", "v1", "widgets", "", "Widget", "ns",
                "w", widget, widget, null, false);
        assertThat(check(quotas, update)).as("counts change on create only").isSameAs(quotas);
    }

    @Test
    void limitedResourcesNeedACoveringQuota() {
        QuotaConfiguration config = QuotaConfiguration.parse(Json.tree(QuotaFixtures.read(
                "{'limitedResources':[{'resource':'pods','matchContains':['cpu'],"
                        + "'matchScopes':[{'scopeName':'PriorityClass','operator':'In','values':['critical']}]}]}",
                java.util.Map.class)));
        StatusError e = catchThrowableOfType(StatusError.class, () -> check(List.of(), createPod(SMALL), config));
        assertThat(e.getMessage()).isEqualTo("pods \"p\" is forbidden: insufficient quota to consume: cpu,limits.cpu,"
                + "requests.cpu");
        e = catchThrowableOfType(StatusError.class,
                () -> check(List.of(), createPod(PLAIN + ",'priorityClassName':'critical'"), config));
        assertThat(e.code()).isEqualTo(500);
        assertThat(e.getMessage()).isEqualTo("insufficient quota to match these scopes: [{PriorityClass In [critical]}]");
        List<ResourceQuota> covering = List.of(quota("critical", "'hard':{'pods':'3'},'scopeSelector':{'matchExpressions':"
                + "[{'scopeName':'PriorityClass','operator':'In','values':['critical']}]}", "'pods':'3'", "'pods':'0'"));
        assertThat(used(check(covering, createPod(PLAIN + ",'priorityClassName':'critical'"), config).get(0)))
                .isEqualTo("pods=1");
        assertThat(check(List.of(), createPod(PLAIN), config)).isEmpty();
    }

    @Test
    void onlyWhatTheEvaluatorHandles() {
        List<ResourceQuota> quotas = List.of(quota("q", "'hard':{'pods':'0'}", "'pods':'0'", "'pods':'0'"));
        var pod = pod(PLAIN);
        assertThat(check(quotas, write(Operation.UPDATE, "pods", pod, pod, false))).isSameAs(quotas);
        assertThat(evaluators.of(new GroupResource("", "pods")).handles(write(Operation.DELETE, "pods", null, pod,
                false))).isFalse();
    }
}
