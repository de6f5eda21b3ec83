package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.e2e.Kubectl.Result;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The core kubectl flow (version, api-resources, apply, get, patch, delete) with kubectl 1.27, 1.32
 * and 1.33, each binary in its own namespace.
 */
@ExtendWith(KapiServerExtension.class)
class KubectlVersionsIT {

    static Stream<Arguments> binaries() {
        return Stream.of(
                Arguments.of("kubectl.1.27", "v1.27"),
                Arguments.of("kubectl", "v1.32"),
                Arguments.of("kubectl.1.33", "v1.33"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaries")
    void coreFlow(String binary, String clientVersion) {
        Kubectl kubectl = Kubectl.named(binary);
        String ns = "e2e-kv-" + clientVersion.replace('.', '-').substring(1);
        KubeHttp.createNamespace(ns);

        JsonNode version = Json.MAPPER.readTree(ok(kubectl.run("version", "-o", "json")));
        assertThat(version.path("clientVersion").path("gitVersion").asString()).startsWith(clientVersion + ".");
        assertThat(version.path("serverVersion").path("gitVersion").asString()).startsWith("v1.");

        String resources = ok(kubectl.run("api-resources"));
        assertThat(resources).containsPattern("(?m)^configmaps\\s+cm\\s+v1\\s+true\\s+ConfigMap")
                .containsPattern("(?m)^deployments\\s+deploy\\s+apps/v1\\s+true\\s+Deployment")
                .containsPattern("(?m)^namespaces\\s+ns\\s+v1\\s+false\\s+Namespace");

        assertThat(ok(kubectl.runWithInput(Manifests.WEB, "-n", ns, "apply", "-f", "-")))
                .contains("configmap/web-config created", "deployment.apps/web created");

        assertThat(ok(kubectl.run("-n", ns, "get", "deploy"))).containsPattern("(?m)^NAME\\s+READY\\s+UP-TO-DATE")
                .containsPattern("(?m)^web\\s+0/2\\s");
        assertThat(ok(kubectl.run("-n", ns, "get", "cm", "-l", "app in (web)", "-o", "name")))
                .isEqualTo("configmap/web-config\n");
        JsonNode cm = Json.MAPPER.readTree(ok(kubectl.run("-n", ns, "get", "cm", "web-config", "-o", "json")));
        assertThat(cm.path("data").path("greeting").asString()).isEqualTo("hello");

        assertThat(ok(kubectl.run("-n", ns, "patch", "cm", "web-config", "-p", "{\"data\":{\"greeting\":\"hi\"}}")))
                .contains("configmap/web-config patched");
        assertThat(ok(kubectl.run("-n", ns, "patch", "deploy", "web", "--type=json",
                "-p", "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":3}]")))
                .contains("deployment.apps/web patched");
        assertThat(ok(kubectl.run("-n", ns, "get", "deploy", "web", "-o", "jsonpath={.spec.replicas}")))
                .isEqualTo("3");
        assertThat(ok(kubectl.run("-n", ns, "get", "cm", "web-config", "-o", "yaml"))).contains("greeting: hi");

        assertThat(ok(kubectl.runWithInput(Manifests.WEB, "-n", ns, "delete", "-f", "-")))
                .contains("configmap \"web-config\" deleted", "deployment.apps \"web\" deleted");
        Result gone = kubectl.run("-n", ns, "get", "cm,deploy", "-o", "name");
        assertThat(gone.exit()).as(gone.toString()).isZero();
        assertThat(gone.out()).isEmpty();
    }

    private static String ok(Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
        return r.out();
    }
}
