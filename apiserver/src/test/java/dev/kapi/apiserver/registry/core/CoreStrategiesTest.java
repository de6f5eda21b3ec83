package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.RegistryContext;
import dev.kapi.apiserver.registry.ResourceDefinition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CoreStrategiesTest {

    static <T> T read(String json, Class<T> type) {
        return Json.read(json.replace('\'', '"').getBytes(), type);
    }

    @Test
    void secretStringDataIsMergedEncodedAndDropped() {
        SecretStrategy s = new SecretStrategy();
        Secret secret = read("{'metadata':{'name':'s'},'data':{'a':'eA==','b':'eQ=='},'stringData':{'b':'hello'}}", Secret.class);
        s.applyDefaults(secret);
        assertThat(secret.getType()).isEqualTo("Opaque");
        assertThat(secret.getStringData()).isNull();
        assertThat(secret.getData()).containsExactlyInAnyOrderEntriesOf(Map.of("a", "eA==", "b", "aGVsbG8="));
        assertThat(s.validate(secret)).isEmpty();
        assertThat(s.selectableFields(secret)).containsEntry("type", "Opaque");
        assertThat(s.tableColumns()).extracting(c -> c.cell().apply(secret)).containsExactly("s", "Opaque", 2, "<unknown>");
    }

    @ParameterizedTest
    @CsvSource({"YWJj!,4", "YWI,0", "YWJjZA,4", "Y===,1", "YW=a,2", "YQ==x,4", "YWJj,-1", "YQ==,-1", "'',-1"})
    void base64ErrorPositionsFollowGo(String value, int expected) {
        assertThat(Base64Data.firstError(value)).isEqualTo(expected);
    }

    @Test
    void badBase64IsABadRequest() {
        Secret secret = read("{'metadata':{'name':'s'},'data':{'k':'YWJj!'}}", Secret.class);
        assertThatThrownBy(() -> new SecretStrategy().applyDefaults(secret))
                .isInstanceOfSatisfying(StatusError.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo("Secret in version \"v1\" cannot be handled as a Secret: "
                            + "illegal base64 data at input byte 4");
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{'metadata':{'name':'s'},'data':{'bad key':'eA=='}}|data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
            "{'metadata':{'name':'s'},'type':'kubernetes.io/tls','data':{'tls.crt':'eA=='}}|data[tls.key]: Required value"})
    void secretValidation(String json, String expected) {
        Secret secret = read(json, Secret.class);
        new SecretStrategy().applyDefaults(secret);
        assertThat(new SecretStrategy().validate(secret)).map(FieldError::toString).containsExactly(expected);
    }

    @Test
    void secretTypeIsImmutable() {
        SecretStrategy s = new SecretStrategy();
        Secret old = read("{'metadata':{'name':'s'},'type':'Opaque'}", Secret.class);
        Secret updated = read("{'metadata':{'name':'s'},'type':'other'}", Secret.class);
        assertThat(s.validateUpdate(updated, old)).map(FieldError::toString)
                .containsExactly("type: Invalid value: \"other\": field is immutable");
    }

    @Test
    void configMapKeysSizeAndDuplicates() {
        ConfigMapStrategy s = new ConfigMapStrategy();
        ConfigMap cm = read("{'metadata':{'name':'c'},'data':{'a':'x'},'binaryData':{'a':'eA=='}}", ConfigMap.class);
        assertThat(s.validate(cm)).map(FieldError::toString)
                .containsExactly("binaryData[a]: Invalid value: \"a\": duplicate of key present in data");
        ConfigMap big = read("{'metadata':{'name':'c'},'data':{'a':'" + "x".repeat(1024 * 1024 + 1) + "'}}", ConfigMap.class);
        assertThat(s.validate(big)).map(FieldError::toString).containsExactly(": Too long: must have at most 1048576 bytes");
        assertThat(s.tableColumns()).extracting(c -> c.cell().apply(cm)).containsExactly("c", 2, "<unknown>");
    }

    @Test
    void serviceDefaultsValidationAndColumns() {
        ServiceStrategy s = new ServiceStrategy(new ServiceAllocations(new InMemoryCasStorage(), "/registry",
                "10.96.0.0/12", "30000-32767"));
        Service svc = read("{'metadata':{'name':'web','namespace':'default'},'spec':{'type':'NodePort',"
                + "'selector':{'app':'web'},'ports':[{'port':80}]}}", Service.class);
        s.applyDefaults(svc);
        s.prepareForCreate(svc);
        var spec = svc.getSpec();
        assertThat(spec.getSessionAffinity()).isEqualTo("None");
        assertThat(spec.getPorts().get(0).getProtocol()).isEqualTo("TCP");
        assertThat(spec.getPorts().get(0).getTargetPort().getIntVal()).isEqualTo(80);
        assertThat(spec.getExternalTrafficPolicy()).isEqualTo("Cluster");
        assertThat(spec.getInternalTrafficPolicy()).isEqualTo("Cluster");
        assertThat(spec.getIpFamilyPolicy()).isEqualTo("SingleStack");
        assertThat(spec.getIpFamilies()).containsExactly("IPv4");
        assertThat(s.validate(svc)).isEmpty();
        s.beforeCreate(svc, false);
        assertThat(spec.getClusterIP()).startsWith("10.");
        int nodePort = spec.getPorts().get(0).getNodePort();
        assertThat(s.tableColumns()).extracting(c -> c.cell().apply(svc)).containsExactly("web", "NodePort",
                spec.getClusterIP(), "<none>", "80:" + nodePort + "/TCP", "<unknown>", "app=web");
        assertThat(s.selectableFields(svc)).isEqualTo(Map.of("spec.clusterIP", spec.getClusterIP(), "spec.type", "NodePort"));

        // an update without the allocated values keeps them; switching to ClusterIP drops the node port
        Service update = read("{'metadata':{'name':'web','namespace':'default'},'spec':{'type':'NodePort',"
                + "'selector':{'app':'web'},'ports':[{'port':80}]}}", Service.class);
        s.applyDefaults(update);
        s.prepareForUpdate(update, svc);
        assertThat(update.getSpec().getClusterIP()).isEqualTo(spec.getClusterIP());
        assertThat(update.getSpec().getPorts().get(0).getNodePort()).isEqualTo(nodePort);
        Service toClusterIp = Json.convert(Json.tree(svc), Service.class);
        toClusterIp.getSpec().setType("ClusterIP");
        s.applyDefaults(toClusterIp);
        s.prepareForUpdate(toClusterIp, svc);
        assertThat(toClusterIp.getSpec().getPorts().get(0).getNodePort()).isNull();
        assertThat(s.validateUpdate(toClusterIp, svc)).isEmpty();
        toClusterIp.getSpec().setClusterIP("10.96.0.99");
        toClusterIp.getSpec().setClusterIPs(List.of("10.96.0.99"));
        assertThat(s.validateUpdate(toClusterIp, svc)).map(FieldError::toString)
                .containsExactly("spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.99\"}: may not change once set");
    }

    @Test
    void headlessServiceNeedsNoPorts() {
        ServiceStrategy s = new ServiceStrategy(null);
        Service headless = read("{'metadata':{'name':'headless'},'spec':{'clusterIP':'None'}}", Service.class);
        s.applyDefaults(headless);
        assertThat(s.validate(headless)).isEmpty();
        Service plain = read("{'metadata':{'name':'plain'},'spec':{}}", Service.class);
        s.applyDefaults(plain);
        assertThat(s.validate(plain)).map(FieldError::toString).containsExactly("spec.ports: Required value");
    }

    /** kubectl patch of clusterIP alone: clusterIPs follows it (kube's normalizeClusterIPs), one error. */
    @Test
    void changingClusterIpAloneGivesOneError() {
        ServiceStrategy s = new ServiceStrategy(null);
        Service old = read("{'metadata':{'name':'cs1'},'spec':{'clusterIP':'10.96.0.10','clusterIPs':['10.96.0.10'],"
                + "'ports':[{'port':80}]}}", Service.class);
        s.applyDefaults(old);
        s.prepareForCreate(old);
        Service patched = Json.convert(Json.tree(old), Service.class);
        patched.getSpec().setClusterIP("10.96.5.5");
        s.applyDefaults(patched);
        s.prepareForUpdate(patched, old);
        assertThat(patched.getSpec().getClusterIPs()).containsExactly("10.96.5.5");
        assertThat(s.validateUpdate(patched, old)).map(FieldError::toString).containsExactly(
                "spec.clusterIPs[0]: Invalid value: []string{\"10.96.5.5\"}: may not change once set");

        Service cleared = Json.convert(Json.tree(old), Service.class);
        cleared.getSpec().setClusterIP("");
        s.prepareForUpdate(cleared, old);
        assertThat(cleared.getSpec().getClusterIP()).isEqualTo("10.96.0.10");
        assertThat(s.validateUpdate(cleared, old)).isEmpty();

        Service both = Json.convert(Json.tree(old), Service.class);
        both.getSpec().setClusterIP("10.96.5.5");
        both.getSpec().setClusterIPs(List.of("10.96.5.6"));
        s.prepareForUpdate(both, old);
        assertThat(s.validateUpdate(both, old)).map(FieldError::toString).containsExactly(
                "spec.clusterIPs: Invalid value: []string{\"10.96.5.6\"}: first value must match `clusterIP`",
                "spec.clusterIPs[0]: Invalid value: []string{\"10.96.5.6\"}: may not change once set");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{'type':'ClusterIP'}|spec.ports: Required value",
            "{'type':'Fancy','ports':[{'port':80}]}|spec.type: Unsupported value: \"Fancy\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"",
            "{'ports':[{'port':0}]}|spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
            "{'ports':[{'port':80},{'port':81}]}|spec.ports[1].name: Required value",
            "{'ports':[{'port':80,'nodePort':30001}]}|spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
            "{'clusterIP':'nope','ports':[{'port':80}]}|spec.clusterIPs[0]: Invalid value: \"nope\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
            "{'type':'ExternalName'}|spec.externalName: Required value"})
    void serviceValidation(String spec, String expected) {
        Service svc = read("{'metadata':{'name':'web'},'spec':" + spec + "}", Service.class);
        ServiceStrategy s = new ServiceStrategy(null);
        s.applyDefaults(svc);
        assertThat(s.validate(svc)).map(FieldError::toString).contains(expected);
        assertThat(s.validateName("Web")).isNotEmpty();
    }

    @Test
    void namespaceCreateUpdateAndStatus() {
        NamespaceStrategy s = new NamespaceStrategy();
        Namespace ns = read("{'metadata':{'name':'team'}}", Namespace.class);
        s.applyDefaults(ns);
        s.prepareForCreate(ns);
        assertThat(ns.getSpec().getFinalizers()).containsExactly("kubernetes");
        assertThat(ns.getStatus().getPhase()).isEqualTo("Active");
        assertThat(ns.getMetadata().getLabels()).containsEntry("kubernetes.io/metadata.name", "team");
        assertThat(s.validateName("a.b")).containsExactly("must not contain dots");
        assertThat(s.selectableFields(ns)).containsEntry("status.phase", "Active");
        assertThat(s.tableColumns()).extracting(c -> c.cell().apply(ns)).containsExactly("team", "Active", "<unknown>");
        Namespace bad = read("{'metadata':{'name':'team'},'spec':{'finalizers':['custom']}}", Namespace.class);
        assertThat(s.validate(bad)).map(FieldError::toString).containsExactly(
                "spec.finalizers: Invalid value: \"custom\": name is neither a standard finalizer name nor is it fully qualified");
        Namespace st = read("{'metadata':{'name':'team'},'status':{'phase':'Terminating'}}", Namespace.class);
        assertThat(s.validateStatusUpdate(st, ns)).map(FieldError::toString).containsExactly(
                "status.Phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty");
    }

    @Test
    void replicationControllerDefaultsSelectorAndScale() {
        ReplicationControllerStrategy s = new ReplicationControllerStrategy();
        ReplicationController rc = read("{'metadata':{'name':'rc'},'spec':{'template':{'metadata':{'labels':{'app':'a'}},"
                + "'spec':{'containers':[{'name':'c','image':'x'}]}}}}", ReplicationController.class);
        s.applyDefaults(rc);
        assertThat(rc.getSpec().getReplicas()).isEqualTo(1);
        assertThat(rc.getSpec().getSelector()).isEqualTo(Map.of("app", "a"));
        assertThat(rc.getMetadata().getLabels()).isEqualTo(Map.of("app", "a"));
        assertThat(s.validate(rc)).isEmpty();
        s.setSpecReplicas(rc, 3);
        assertThat(s.specReplicas(rc)).isEqualTo(3);
        assertThat(s.selector(rc)).isEqualTo("app=a");
        rc.getSpec().setSelector(Map.of("app", "b"));
        assertThat(s.validate(rc)).map(FieldError::toString).containsExactly("spec.template.metadata.labels: Invalid "
                + "value: map[string]string{\"app\":\"a\"}: `selector` does not match template `labels`");
        assertThat(s.selectableFields(rc)).containsEntry("status.replicas", "0");
    }

    @Test
    void nodeColumns() {
        Node node = read("{'metadata':{'name':'n1','labels':{'node-role.kubernetes.io/control-plane':''}},"
                + "'spec':{'unschedulable':true},'status':{'conditions':[{'type':'Ready','status':'True'}],"
                + "'nodeInfo':{'kubeletVersion':'v1.34.0'}}}", Node.class);
        NodeStrategy s = new NodeStrategy();
        assertThat(s.tableColumns().subList(0, 5)).extracting(c -> c.cell().apply(node))
                .containsExactly("n1", "Ready,SchedulingDisabled", "control-plane", "<unknown>", "v1.34.0");
        assertThat(s.selectableFields(node)).containsEntry("spec.unschedulable", "true");
    }

    @Test
    void definitionsMatchKubectlApiResources() {
        List<ResourceDefinition<?>> defs = CoreResources.all(new RegistryContext(new InMemoryCasStorage(), "/registry",
                "10.96.0.0/12", "30000-32767"));
        assertThat(defs).extracting(ResourceDefinition::resource).containsExactly("namespaces", "configmaps", "secrets",
                "pods", "services", "serviceaccounts", "events", "endpoints", "nodes", "limitranges", "resourcequotas",
                "persistentvolumeclaims", "persistentvolumes", "replicationcontrollers");
        Map<String, ResourceDefinition<?>> byName = new java.util.HashMap<>();
        defs.forEach(d -> byName.put(d.resource(), d));
        assertThat(byName.get("pods").subresources()).containsExactlyInAnyOrder("status", "eviction", "binding",
                "ephemeralcontainers", "log", "exec", "attach", "portforward", "proxy");
        assertThat(byName.get("nodes").subresources()).containsExactlyInAnyOrder("status", "proxy");
        assertThat(byName.get("services").subresources()).containsExactlyInAnyOrder("status", "proxy");
        assertThat(byName.get("pods").categories()).containsExactly("all");
        assertThat(byName.get("configmaps").categories()).isEmpty();
        assertThat(byName.get("replicationcontrollers").subresources()).containsExactlyInAnyOrder("status", "scale");
        assertThat(byName.get("replicationcontrollers").scale()).isNotNull();
        assertThat(defs).filteredOn(d -> !d.namespaced()).extracting(ResourceDefinition::resource)
                .containsExactly("namespaces", "nodes", "persistentvolumes");
        assertThat(byName.get("limitranges").shortNames()).containsExactly("limits");
        assertThat(byName.get("resourcequotas").shortNames()).containsExactly("quota");
    }
}
