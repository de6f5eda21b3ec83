package dev.kapi.apiserver.server;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.MutatingAdmission;
import dev.kapi.apiserver.admission.ValidatingAdmission;
import dev.kapi.apiserver.api.GroupVersionKind;
import dev.kapi.apiserver.api.GroupVersionResource;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.TestDataDirs;
import dev.kapi.apiserver.testing.TlsClients;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an admission plugin sees of every write, for each verb and subresource, in a real server on a real
 * etcd: a recording plugin, both mutating and validating, joins the admission chain and prints every
 * {@link AdmissionAttributes} it is called with; each row sends one request as alice (impersonated with a uid,
 * groups and extra) and expects exactly the lines kube-apiserver's handlers and registry would produce, in
 * order. Background writers (namespace cleanup, default service accounts, role aggregation, the bootstrap
 * policy and system namespaces) are seen under their system identities.
 */
@ExtendWith(EtcdExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AdmissionAttributesTest {

    static final Path DATA_DIR = TestDataDirs.create("kapi-admission-");
    static final String NS = "adm";
    static final String ALICE = "alice|alice-uid|[system:masters, system:authenticated]|{scopes=[s1]}";
    static final String CREATE = options("CreateOptions", "");
    static final String CREATE_DRY = options("CreateOptions", ",\"dryRun\":[\"All\"]");
    static final String UPDATE = options("UpdateOptions", "");
    static final String DELETE = options("DeleteOptions", "");
    static final String JSON = "application/json";
    static final String MERGE = "application/merge-patch+json";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("etcd-servers", () -> String.join(",", EtcdExtension.endpoints()));
        registry.add("etcd-prefix", EtcdExtension::randomPrefix);
        registry.add("data-dir", DATA_DIR::toString);
        // no controller writes the Deployments and Pods of the rows: a concurrent status write would make a row's
        // update retry, and admission would (rightly) see it twice
        registry.add("controllers", () -> "*,-deployment-controller,-replicaset-controller,-kube-scheduler");
    }

    /** Records, as one line each, the attributes every mutating and validating admission call gets. */
    static final class Recorder implements MutatingAdmission, ValidatingAdmission {
        final List<String> seen = new ArrayList<>();

        @Override
        public String name() {
            return "Recorder";
        }

        @Override
        public HasMetadata admit(AdmissionAttributes a) {
            record("mutating", a);
            return a.object();
        }

        @Override
        public void validate(AdmissionAttributes a) {
            record("validating", a);
        }

        private synchronized void record(String phase, AdmissionAttributes a) {
            seen.add(phase + " " + a.operation() + " " + kind(a.kind()) + " req=" + kind(a.requestKind()) + " "
                    + resource(a.resource()) + " sub=" + a.subresource() + " ns=" + a.namespace() + " name="
                    + a.name() + " obj=" + summary(a.object()) + " old=" + summary(a.oldObject()) + " opts="
                    + (a.options() == null ? "-" : Json.string(a.options())) + " dryRun=" + a.dryRun() + " user="
                    + user(a.user()));
        }

        synchronized List<String> by(String user) {
            return seen.stream().filter(l -> l.endsWith(" user=" + user)).toList();
        }

        synchronized void clear() {
            seen.clear();
        }
    }

    @TestConfiguration
    static class RecordingAdmission {
        @Bean
        Recorder recorder() {
            return new Recorder();
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    Recorder recorder;

    HttpClient admin;

    @BeforeEach
    void client() throws Exception {
        Certificates.Issued ca = TlsClients.ca(DATA_DIR);
        admin = TlsClients.httpClient(ca.certificate(), TlsClients.clientCert(ca, "kapi-admin", "system:masters"));
        if (send(req("GET", "/api/v1/namespaces/" + NS, null, null), false).statusCode() == 404) {
            send(req("POST", "/api/v1/namespaces", JSON, "{\"metadata\":{\"name\":\"" + NS + "\"}}"), false);
        }
    }

    /** One request as alice, after its setup as the admin, and the lines the recorder must see for it. */
    record Row(String name, List<Req> setup, Req request, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    record Req(String method, String path, String contentType, String body) {
    }

    static Stream<Row> rows() {
        String cms = "/api/v1/namespaces/" + NS + "/configmaps";
        String deployments = "/apis/apps/v1/namespaces/" + NS + "/deployments";
        return Stream.of(
                new Row("create", List.of(), req("POST", cms + "?fieldManager=tester&fieldValidation=Strict", JSON,
                        configMap("c1", "1")), List.of(
                        line("mutating", "CREATE", "v1/ConfigMap", "v1/configmaps", "", NS, "c1", "ConfigMap/c1{v=1}",
                                "-", options("CreateOptions",
                                        ",\"fieldManager\":\"tester\",\"fieldValidation\":\"Strict\""), false),
                        line("validating", "CREATE", "v1/ConfigMap", "v1/configmaps", "", NS, "c1",
                                "ConfigMap/c1{v=1}", "-", options("CreateOptions",
                                        ",\"fieldManager\":\"tester\",\"fieldValidation\":\"Strict\""), false))),
                new Row("create with generateName: validating admission sees the generated name", List.of(),
                        req("POST", cms, JSON, "{\"metadata\":{\"generateName\":\"gen-\"},\"data\":{\"v\":\"1\"}}"),
                        List.of(line("mutating", "CREATE", "v1/ConfigMap", "v1/configmaps", "", NS, "",
                                        "ConfigMap/null{v=1}", "-", CREATE, false),
                                line("validating", "CREATE", "v1/ConfigMap", "v1/configmaps", "", NS, "<generated>",
                                        "ConfigMap/<generated>{v=1}", "-", CREATE, false))),
                new Row("create, dry run", List.of(), req("POST", cms + "?dryRun=All", JSON, configMap("c2", "1")),
                        List.of(line("mutating", "CREATE", "v1/ConfigMap", "v1/configmaps", "", NS, "c2",
                                        "ConfigMap/c2{v=1}", "-", CREATE_DRY, true),
                                line("validating", "CREATE", "v1/ConfigMap", "v1/configmaps", "", NS, "c2",
                                        "ConfigMap/c2{v=1}", "-", CREATE_DRY, true))),
                updateRow("update (PUT)", "u1", req("PUT", cms + "/u1", JSON, configMap("u1", "2")), UPDATE, false),
                updateRow("patch, JSON patch", "u2", req("PATCH", cms + "/u2", "application/json-patch+json",
                        "[{\"op\":\"replace\",\"path\":\"/data/v\",\"value\":\"2\"}]"), UPDATE, false),
                updateRow("patch, merge patch", "u3", req("PATCH", cms + "/u3", MERGE, "{\"data\":{\"v\":\"2\"}}"),
                        UPDATE, false),
                updateRow("patch, strategic merge patch (PatchOptions passed as UpdateOptions)", "u4",
                        req("PATCH", cms + "/u4?fieldManager=kubectl-edit", "application/strategic-merge-patch+json",
                                "{\"data\":{\"v\":\"2\"}}"),
                        options("UpdateOptions", ",\"fieldManager\":\"kubectl-edit\""), false),
                updateRow("patch, dry run", "u5", req("PATCH", cms + "/u5?dryRun=All", MERGE,
                        "{\"data\":{\"v\":\"2\"}}"), options("UpdateOptions", ",\"dryRun\":[\"All\"]"), true),
                new Row("delete: the stored object is the old object", List.of(req("POST", cms, JSON,
                        configMap("d1", "1"))), req("DELETE", cms + "/d1", null, null), List.of(
                        line("mutating", "DELETE", "v1/ConfigMap", "v1/configmaps", "", NS, "d1", "-",
                                "ConfigMap/d1{v=1}", DELETE, false),
                        line("validating", "DELETE", "v1/ConfigMap", "v1/configmaps", "", NS, "d1", "-",
                                "ConfigMap/d1{v=1}", DELETE, false))),
                new Row("delete, dry run in the body", List.of(req("POST", cms, JSON, configMap("d2", "1"))),
                        req("DELETE", cms + "/d2", JSON, "{\"dryRun\":[\"All\"],\"propagationPolicy\":\"Background\"}"),
                        List.of(line("mutating", "DELETE", "v1/ConfigMap", "v1/configmaps", "", NS, "d2", "-",
                                        "ConfigMap/d2{v=1}", deleteDry(), true),
                                line("validating", "DELETE", "v1/ConfigMap", "v1/configmaps", "", NS, "d2", "-",
                                        "ConfigMap/d2{v=1}", deleteDry(), true))),
                new Row("deletecollection: each object a DELETE under name \"\"", List.of(
                        req("POST", cms, JSON, labelled("dc-a")), req("POST", cms, JSON, labelled("dc-b"))),
                        req("DELETE", cms + "?labelSelector=set%3Ddc", null, null), List.of(
                        line("mutating", "DELETE", "v1/ConfigMap", "v1/configmaps", "", NS, "", "-",
                                "ConfigMap/dc-a{v=1}", DELETE, false),
                        line("validating", "DELETE", "v1/ConfigMap", "v1/configmaps", "", NS, "", "-",
                                "ConfigMap/dc-a{v=1}", DELETE, false),
                        line("mutating", "DELETE", "v1/ConfigMap", "v1/configmaps", "", NS, "", "-",
                                "ConfigMap/dc-b{v=1}", DELETE, false),
                        line("validating", "DELETE", "v1/ConfigMap", "v1/configmaps", "", NS, "", "-",
                                "ConfigMap/dc-b{v=1}", DELETE, false))),
                new Row("status update: the kind is the resource's, validating sees the stored spec",
                        List.of(req("POST", deployments, JSON, deployment("s1", 1, ""))),
                        req("PUT", deployments + "/s1/status", JSON,
                                deployment("s1", 5, "\"status\":{\"replicas\":1}")),
                        List.of(line("mutating", "UPDATE", "apps/v1/Deployment", "apps/v1/deployments", "status", NS,
                                        "s1", "Deployment/s1{spec=5,status=1}", "Deployment/s1{spec=1,status=null}",
                                        UPDATE, false),
                                line("validating", "UPDATE", "apps/v1/Deployment", "apps/v1/deployments", "status",
                                        NS, "s1", "Deployment/s1{spec=1,status=1}",
                                        "Deployment/s1{spec=1,status=null}", UPDATE, false))),
                new Row("status patch", List.of(req("POST", deployments, JSON, deployment("s2", 1, ""))),
                        req("PATCH", deployments + "/s2/status", MERGE, "{\"status\":{\"replicas\":2}}"), List.of(
                        line("mutating", "UPDATE", "apps/v1/Deployment", "apps/v1/deployments", "status", NS, "s2",
                                "Deployment/s2{spec=1,status=2}", "Deployment/s2{spec=1,status=null}", UPDATE, false),
                        line("validating", "UPDATE", "apps/v1/Deployment", "apps/v1/deployments", "status", NS, "s2",
                                "Deployment/s2{spec=1,status=2}", "Deployment/s2{spec=1,status=null}", UPDATE,
                                false))),
                new Row("scale get writes nothing", List.of(req("POST", deployments, JSON, deployment("g1", 1, ""))),
                        req("GET", deployments + "/g1/scale", null, null), List.of()),
                new Row("scale update: autoscaling/v1 Scale objects, subresource scale",
                        List.of(req("POST", deployments, JSON, deployment("sc1", 1, ""))),
                        req("PUT", deployments + "/sc1/scale", JSON, "{\"apiVersion\":\"autoscaling/v1\","
                                + "\"kind\":\"Scale\",\"metadata\":{\"name\":\"sc1\",\"namespace\":\"adm\"},"
                                + "\"spec\":{\"replicas\":3}}"), scaled("sc1", 3, 0)),
                new Row("scale patch", List.of(req("POST", deployments, JSON, deployment("sc2", 1, ""))),
                        req("PATCH", deployments + "/sc2/scale", MERGE, "{\"spec\":{\"replicas\":3}}"),
                        scaled("sc2", 3, 0)),
                new Row("eviction: the CREATE of a policy/v1 Eviction; the pod's deletion is not admitted again",
                        List.of(req("POST", "/api/v1/namespaces/" + NS + "/pods", JSON, pod("victim"))),
                        req("POST", "/api/v1/namespaces/" + NS + "/pods/victim/eviction", JSON,
                                "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\","
                                        + "\"metadata\":{\"name\":\"victim\"}}"),
                        List.of(line("mutating", "CREATE", "policy/v1/Eviction", "v1/pods", "eviction", NS, "victim",
                                        "Eviction/victim", "-", CREATE, false),
                                line("validating", "CREATE", "policy/v1/Eviction", "v1/pods", "eviction", NS,
                                        "victim", "Eviction/victim", "-", CREATE, false))),
                new Row("ephemeral containers: an UPDATE of the Pod, validating sees only the ephemeral containers "
                        + "of the write", List.of(req("POST", "/api/v1/namespaces/" + NS + "/pods", JSON, pod("dbg"))),
                        req("PATCH", "/api/v1/namespaces/" + NS + "/pods/dbg/ephemeralcontainers",
                                "application/strategic-merge-patch+json", "{\"metadata\":{\"labels\":{\"l\":\"x\"}},"
                                        + "\"spec\":{\"ephemeralContainers\":[{\"name\":\"debugger\","
                                        + "\"image\":\"busybox\"}]}}"),
                        List.of(line("mutating", "UPDATE", "v1/Pod", "v1/pods", "ephemeralcontainers", NS, "dbg",
                                        "Pod/dbg{labels={l=x},ephemeral=[debugger]}", "Pod/dbg{labels={},ephemeral=[]}",
                                        UPDATE, false),
                                line("validating", "UPDATE", "v1/Pod", "v1/pods", "ephemeralcontainers", NS, "dbg",
                                        "Pod/dbg{labels={},ephemeral=[debugger]}", "Pod/dbg{labels={},ephemeral=[]}",
                                        UPDATE, false))),
                new Row("finalize: the namespace is its own namespace",
                        List.of(req("POST", "/api/v1/namespaces", JSON, "{\"metadata\":{\"name\":\"fin\"}}")),
                        req("PUT", "/api/v1/namespaces/fin/finalize", JSON,
                                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"fin\"},"
                                        + "\"spec\":{\"finalizers\":[]}}"),
                        List.of(line("mutating", "UPDATE", "v1/Namespace", "v1/namespaces", "finalize", "fin", "fin",
                                        "Namespace/fin{phase=null,finalizers=[]}",
                                        "Namespace/fin{phase=Active,finalizers=[kubernetes]}", UPDATE, false),
                                line("validating", "UPDATE", "v1/Namespace", "v1/namespaces", "finalize", "fin",
                                        "fin", "Namespace/fin{phase=Active,finalizers=[]}",
                                        "Namespace/fin{phase=Active,finalizers=[kubernetes]}", UPDATE, false))),
                new Row("token request: the CREATE of an authentication.k8s.io/v1 TokenRequest",
                        List.of(req("POST", "/api/v1/namespaces/" + NS + "/serviceaccounts", JSON,
                                "{\"metadata\":{\"name\":\"builder\"}}")),
                        req("POST", "/api/v1/namespaces/" + NS + "/serviceaccounts/builder/token", JSON,
                                "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\","
                                        + "\"spec\":{\"audiences\":[\"a1\"]}}"),
                        List.of(line("mutating", "CREATE", "authentication.k8s.io/v1/TokenRequest",
                                        "v1/serviceaccounts", "token", NS, "builder",
                                        "TokenRequest/null{audiences=[a1],expirationSeconds=3600}", "-", CREATE, false),
                                line("validating", "CREATE", "authentication.k8s.io/v1/TokenRequest",
                                        "v1/serviceaccounts", "token", NS, "builder",
                                        "TokenRequest/builder{audiences=[a1],expirationSeconds=3600}", "-", CREATE,
                                        false))),
                new Row("a review: the CREATE of an object that is not stored", List.of(),
                        req("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", JSON,
                                "{\"spec\":{\"resourceAttributes\":{\"verb\":\"get\",\"resource\":\"pods\"}}}"),
                        List.of(line("mutating", "CREATE", "authorization.k8s.io/v1/SelfSubjectAccessReview",
                                        "authorization.k8s.io/v1/selfsubjectaccessreviews", "", "", "",
                                        "SelfSubjectAccessReview/null", "-", CREATE, false),
                                line("validating", "CREATE", "authorization.k8s.io/v1/SelfSubjectAccessReview",
                                        "authorization.k8s.io/v1/selfsubjectaccessreviews", "", "", "",
                                        "SelfSubjectAccessReview/null", "-", CREATE, false))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void anAdmissionPluginSeesKubesAttributes(Row row) throws Exception {
        for (Req r : row.setup()) {
            assertThat(send(r, false).statusCode()).as(r.toString()).isBetween(200, 201);
        }
        recorder.clear();
        HttpResponse<String> response = send(row.request(), true);
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 201);
        String generated = Json.MAPPER.readTree(response.body()).path("metadata").path("name").asString("");
        List<String> seen = recorder.by(ALICE).stream()
                .map(l -> generated.startsWith("gen-") ? l.replace(generated, "<generated>") : l).toList();
        assertThat(seen).containsExactlyElementsOf(row.expected());
    }

    @Test
    void aNamespaceDeleteIsAlicesDeleteThenTheNamespaceControllersWrites() throws Exception {
        send(req("POST", "/api/v1/namespaces", JSON, "{\"metadata\":{\"name\":\"gone\"}}"), false);
        send(req("POST", "/api/v1/namespaces/gone/configmaps", JSON, configMap("left", "1")), false);
        recorder.clear();
        assertThat(send(req("DELETE", "/api/v1/namespaces/gone", null, null), true).statusCode()).isEqualTo(200);
        assertThat(recorder.by(ALICE)).containsExactly(
                line("mutating", "DELETE", "v1/Namespace", "v1/namespaces", "", "gone", "gone", "-",
                        "Namespace/gone{phase=Active,finalizers=[kubernetes]}", DELETE, false),
                line("validating", "DELETE", "v1/Namespace", "v1/namespaces", "", "gone", "gone", "-",
                        "Namespace/gone{phase=Active,finalizers=[kubernetes]}", DELETE, false));

        String controller = user(SystemUsers.NAMESPACE_CONTROLLER);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(recorder.by(controller)).contains(
                line("mutating", "DELETE", "v1/ConfigMap", "v1/configmaps", "", "gone", "", "-",
                        "ConfigMap/left{v=1}", BACKGROUND, false, controller),
                line("validating", "DELETE", "v1/ConfigMap", "v1/configmaps", "", "gone", "", "-",
                        "ConfigMap/left{v=1}", BACKGROUND, false, controller),
                line("mutating", "UPDATE", "v1/Namespace", "v1/namespaces", "status", "gone", "gone",
                        "Namespace/gone{phase=Terminating,finalizers=[kubernetes]}",
                        "Namespace/gone{phase=Terminating,finalizers=[kubernetes]}", UPDATE, false, controller),
                line("mutating", "UPDATE", "v1/Namespace", "v1/namespaces", "finalize", "gone", "gone",
                        "Namespace/gone{phase=Terminating,finalizers=[]}",
                        "Namespace/gone{phase=Terminating,finalizers=[kubernetes]}", UPDATE, false, controller),
                line("validating", "UPDATE", "v1/Namespace", "v1/namespaces", "finalize", "gone", "gone",
                        "Namespace/gone{phase=Terminating,finalizers=[]}",
                        "Namespace/gone{phase=Terminating,finalizers=[kubernetes]}", UPDATE, false, controller)));
        // the finalize update deletes the released namespace (as kube's namespace store does): no DELETE of its own
        await().atMost(Duration.ofSeconds(10)).until(() -> send(req("GET", "/api/v1/namespaces/gone", null, null),
                false).statusCode() == 404);
    }

    @Test
    void theServersOwnWritersGoThroughAdmissionUnderTheirSystemIdentities() throws Exception {
        String apiServer = user(SystemUsers.API_SERVER);
        assertThat(recorder.by(apiServer)).as("bootstrap policy and system namespaces, at start").contains(
                line("mutating", "CREATE", "rbac.authorization.k8s.io/v1/ClusterRole",
                        "rbac.authorization.k8s.io/v1/clusterroles", "", "", "cluster-admin",
                        "ClusterRole/cluster-admin", "-", CREATE, false, apiServer),
                line("validating", "CREATE", "v1/Namespace", "v1/namespaces", "", "kube-system", "kube-system",
                        "Namespace/kube-system{phase=Active,finalizers=[kubernetes]}", "-", CREATE, false, apiServer));

        String accounts = user(SystemUsers.SERVICE_ACCOUNT_CONTROLLER);
        send(req("POST", "/api/v1/namespaces", JSON, "{\"metadata\":{\"name\":\"fresh\"}}"), false);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(recorder.by(accounts)).contains(
                line("mutating", "CREATE", "v1/ServiceAccount", "v1/serviceaccounts", "", "fresh", "default",
                        "ServiceAccount/default", "-", CREATE, false, accounts)));

        String aggregation = user(SystemUsers.CLUSTERROLE_AGGREGATION_CONTROLLER);
        send(req("POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", JSON, "{\"metadata\":{\"name\":"
                + "\"widget-reader\",\"labels\":{\"rbac.authorization.k8s.io/aggregate-to-view\":\"true\"}},"
                + "\"rules\":[{\"apiGroups\":[\"example.com\"],\"resources\":[\"widgets\"],\"verbs\":[\"get\"]}]}"),
                false);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(recorder.by(aggregation)).anyMatch(l -> l.startsWith("validating UPDATE "
                    + "rbac.authorization.k8s.io/v1/ClusterRole req=rbac.authorization.k8s.io/v1/ClusterRole "
                    + "rbac.authorization.k8s.io/v1/clusterroles sub= ns= name=view "));
            assertThat(send(req("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/view", null, null), false)
                    .body()).as("RBAC escalation prevention let the aggregation controller write")
                    .contains("\"widgets\"");
        });
    }

    private static Row updateRow(String name, String object, Req request, String options, boolean dryRun) {
        String cms = "/api/v1/namespaces/" + NS + "/configmaps";
        return new Row(name, List.of(req("POST", cms, JSON, configMap(object, "1"))), request, List.of(
                line("mutating", "UPDATE", "v1/ConfigMap", "v1/configmaps", "", NS, object,
                        "ConfigMap/" + object + "{v=2}", "ConfigMap/" + object + "{v=1}", options, dryRun),
                line("validating", "UPDATE", "v1/ConfigMap", "v1/configmaps", "", NS, object,
                        "ConfigMap/" + object + "{v=2}", "ConfigMap/" + object + "{v=1}", options, dryRun)));
    }

    /**
     * A PUT's Scale has the status its body has (none: Go's zero status, {@code replicas: 0}, as kube decodes it); a
     * patched one the current status.
     */
    private static List<String> scaled(String name, int replicas, Integer sentStatus) {
        String scale = "Scale/" + name + "{spec=" + replicas + ",status=0}";
        String old = "Scale/" + name + "{spec=1,status=0}";
        return List.of(
                line("mutating", "UPDATE", "autoscaling/v1/Scale", "apps/v1/deployments", "scale", NS, name,
                        "Scale/" + name + "{spec=" + replicas + ",status=" + sentStatus + "}", old, UPDATE, false),
                line("validating", "UPDATE", "autoscaling/v1/Scale", "apps/v1/deployments", "scale", NS, name, scale,
                        old, UPDATE, false));
    }

    static String line(String phase, String operation, String kind, String resource, String subresource,
                       String namespace, String name, String object, String old, String options, boolean dryRun) {
        return line(phase, operation, kind, resource, subresource, namespace, name, object, old, options, dryRun,
                ALICE);
    }

    /** The line the recorder prints; the request kind is the kind (no conversion between versions yet). */
    static String line(String phase, String operation, String kind, String resource, String subresource,
                       String namespace, String name, String object, String old, String options, boolean dryRun,
                       String user) {
        return phase + " " + operation + " " + kind + " req=" + kind + " " + resource + " sub=" + subresource
                + " ns=" + namespace + " name=" + name + " obj=" + object + " old=" + old + " opts=" + options
                + " dryRun=" + dryRun + " user=" + user;
    }

    static String options(String kind, String fields) {
        return "{\"apiVersion\":\"meta.k8s.io/v1\",\"kind\":\"" + kind + "\"" + fields + "}";
    }

    /** The namespace controller's deletes, Background as kube's. */
    private static final String BACKGROUND = options("DeleteOptions", ",\"propagationPolicy\":\"Background\"");

    static String deleteDry() {
        return options("DeleteOptions", ",\"dryRun\":[\"All\"],\"propagationPolicy\":\"Background\"");
    }

    static String kind(GroupVersionKind k) {
        return (k.group().isEmpty() ? "" : k.group() + "/") + k.version() + "/" + k.kind();
    }

    static String resource(GroupVersionResource r) {
        return (r.group().isEmpty() ? "" : r.group() + "/") + r.version() + "/" + r.resource();
    }

    static String user(UserInfo u) {
        return u.name() + "|" + u.uid() + "|" + u.groups() + "|" + u.extra();
    }

    /** The kind and name of an object, and the fields the rows change. */
    static String summary(HasMetadata o) {
        if (o == null) {
            return "-";
        }
        String head = o.getClass().getSimpleName() + "/" + (o.getMetadata() == null ? null : o.getMetadata().getName());
        return switch (o) {
            case ConfigMap c -> head + "{v=" + (c.getData() == null ? null : c.getData().get("v")) + "}";
            case Deployment d -> head + "{spec=" + d.getSpec().getReplicas() + ",status="
                    + (d.getStatus() == null ? null : d.getStatus().getReplicas()) + "}";
            case Scale s -> head + "{spec=" + s.getSpec().getReplicas() + ",status="
                    + (s.getStatus() == null ? null : s.getStatus().getReplicas()) + "}";
            case Namespace n -> head + "{phase=" + (n.getStatus() == null ? null : n.getStatus().getPhase())
                    + ",finalizers=" + (n.getSpec() == null ? null : n.getSpec().getFinalizers()) + "}";
            case Pod p -> head + "{labels=" + (p.getMetadata().getLabels() == null ? Map.of()
                    : p.getMetadata().getLabels()) + ",ephemeral=" + (p.getSpec().getEphemeralContainers() == null
                    ? List.of() : p.getSpec().getEphemeralContainers().stream().map(c -> c.getName()).toList()) + "}";
            case TokenRequest t -> head + "{audiences=" + t.getSpec().getAudiences() + ",expirationSeconds="
                    + t.getSpec().getExpirationSeconds() + "}";
            default -> head;
        };
    }

    static Req req(String method, String path, String contentType, String body) {
        return new Req(method, path, contentType, body);
    }

    static String configMap(String name, String v) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"data\":{\"v\":\"" + v + "\"}}";
    }

    static String labelled(String name) {
        return "{\"metadata\":{\"name\":\"" + name + "\",\"labels\":{\"set\":\"dc\"}},\"data\":{\"v\":\"1\"}}";
    }

    static String deployment(String name, int replicas, String more) {
        return "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"spec\":{\"replicas\":" + replicas + ",\"selector\":{\"matchLabels\":{\"app\":\"" + name + "\"}},"
                + "\"template\":{\"metadata\":{\"labels\":{\"app\":\"" + name + "\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}}"
                + (more.isEmpty() ? "" : "," + more) + "}";
    }

    static String pod(String name) {
        return "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"containers\":[{\"name\":\"c\","
                + "\"image\":\"nginx\"}]}}";
    }

    /** Sends a request as the admin, or as alice (impersonated with a uid, a group and an extra value). */
    HttpResponse<String> send(Req r, boolean asAlice) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + r.path()))
                .method(r.method(), r.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(r.body()));
        if (r.contentType() != null) {
            b.header("Content-Type", r.contentType());
        }
        if (asAlice) {
            b.header("Impersonate-User", "alice").header("Impersonate-Uid", "alice-uid")
                    .header("Impersonate-Group", "system:masters").header("Impersonate-Extra-Scopes", "s1");
        }
        return admin.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
