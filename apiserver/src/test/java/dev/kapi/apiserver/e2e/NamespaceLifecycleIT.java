package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.e2e.KubeHttp.Reply;
import dev.kapi.apiserver.e2e.Kubectl.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A namespace's life with kubectl (v1.32, default flags) and raw HTTP: a new one gets its {@code default}
 * ServiceAccount; deleted, it is Terminating while its content goes, creates in it are refused, content held
 * by a finalizer keeps it, {@code finalize} releases it; the server's own namespaces may not be deleted.
 */
@ExtendWith(KapiServerExtension.class)
class NamespaceLifecycleIT {

    private static final Kubectl KUBECTL = Kubectl.named("kubectl");

    private static Result ok(String... args) {
        Result r = KUBECTL.run(args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    private static void configMap(String ns, String name, String finalizer) {
        String fin = finalizer == null ? "" : ",\"finalizers\":[\"" + finalizer + "\"]";
        Reply r = KubeHttp.post("/api/v1/namespaces/" + ns + "/configmaps",
                "{\"metadata\":{\"name\":\"" + name + "\"" + fin + "},\"data\":{\"k\":\"v\"}}");
        assertThat(r.code()).as(r.body()).isEqualTo(201);
    }

    @Test
    void aNewNamespaceGetsItsDefaultServiceAccount() {
        ok("create", "namespace", "e2e-nslife-sa");
        ok("wait", "--for=create", "-n", "e2e-nslife-sa", "serviceaccount/default", "--timeout=30s");
        assertThat(ok("create", "token", "default", "-n", "e2e-nslife-sa").out().trim()).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
    }

    @Test
    void kubectlDeleteWaitsUntilTheNamespaceAndItsContentAreGone() {
        KubeHttp.createNamespace("e2e-nsdel-plain");
        configMap("e2e-nsdel-plain", "a", null);
        assertThat(ok("delete", "namespace", "e2e-nsdel-plain").out())
                .contains("namespace \"e2e-nsdel-plain\" deleted");
        assertThat(KUBECTL.run("get", "namespace", "e2e-nsdel-plain").err())
                .contains("namespaces \"e2e-nsdel-plain\" not found");
        assertThat(KubeHttp.get("/api/v1/namespaces/e2e-nsdel-plain/configmaps/a").code()).isEqualTo(404);
    }

    @Test
    void aTerminatingNamespaceRefusesCreatesAndGoesWhenItsLastHeldObjectIsReleased() {
        String ns = "e2e-nsdel-held";
        KubeHttp.createNamespace(ns);
        configMap(ns, "held", "example.com/hold");
        configMap(ns, "free", null);
        ok("delete", "namespace", ns, "--wait=false");
        assertThat(ok("get", "namespace", ns).out()).containsPattern(ns + "\\s+Terminating");

        Reply refused = KubeHttp.post("/api/v1/namespaces/" + ns + "/configmaps", "{\"metadata\":{\"name\":\"late\"}}");
        assertThat(refused.code()).isEqualTo(403);
        JsonNode status = refused.json();
        assertThat(status.path("reason").asString()).isEqualTo("Forbidden");
        assertThat(status.path("message").asString()).isEqualTo("configmaps \"late\" is forbidden: unable to create new"
                + " content in namespace " + ns + " because it is being terminated");
        assertThat(status.path("details").path("causes").path(0).path("reason").asString())
                .isEqualTo("NamespaceTerminating");

        ok("wait", "--for=delete", "-n", ns, "configmap/free", "--timeout=30s");
        assertThat(ok("get", "namespace", ns).out()).as("the held ConfigMap keeps it").contains("Terminating");
        ok("wait", "--for=condition=NamespaceFinalizersRemaining", "namespace/" + ns, "--timeout=30s");
        assertThat(ok("describe", "namespace", ns).out()).contains("Terminating")
                .contains("example.com/hold in 1 resource instances");
        ok("patch", "-n", ns, "configmap", "held", "--type=merge", "-p", "{\"metadata\":{\"finalizers\":null}}");
        ok("wait", "--for=delete", "namespace/" + ns, "--timeout=30s");
    }

    @Test
    void finalizeReleasesAStuckNamespaceAtOnce() {
        String ns = "e2e-nsdel-stuck";
        KubeHttp.createNamespace(ns);
        configMap(ns, "held", "example.com/hold");
        ok("delete", "namespace", ns, "--wait=false");
        ObjectNode namespace = (ObjectNode) Json.MAPPER.readTree(ok("get", "namespace", ns, "-o", "json").out());
        ((ObjectNode) namespace.path("spec")).putArray("finalizers");
        Result replaced = KUBECTL.runWithInput(namespace.toString(), "replace", "--raw",
                "/api/v1/namespaces/" + ns + "/finalize", "-f", "-");
        assertThat(replaced.exit()).as(replaced.toString()).isZero();
        assertThat(KubeHttp.get("/api/v1/namespaces/" + ns).code()).isEqualTo(404);
    }

    @Test
    void theServersOwnNamespacesMayNotBeDeleted() {
        for (String ns : new String[] {"default", "kube-system", "kube-public"}) {
            Result r = KUBECTL.run("delete", "namespace", ns);
            assertThat(r.exit()).isNotZero();
            assertThat(r.err()).contains("Error from server (Forbidden): namespaces \"" + ns
                    + "\" is forbidden: this namespace may not be deleted");
            assertThat(ok("get", "namespace", ns).out()).containsPattern(ns + "\\s+Active");
        }
    }
}
