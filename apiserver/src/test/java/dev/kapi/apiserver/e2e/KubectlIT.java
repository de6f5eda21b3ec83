package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.e2e.Kubectl.Result;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** kubectl v1.32 (the {@code kubectl} on the PATH) against the server, asserting on its output. */
@ExtendWith(KapiServerExtension.class)
class KubectlIT {

    private static final String NS = "e2e-kubectl";
    private static final Kubectl KUBECTL = Kubectl.named("kubectl");

    /** Runs kubectl in the test namespace and expects success. */
    private static String ok(String... args) {
        Result r = KUBECTL.run(withNamespace(args));
        assertThat(r.exit()).as(r.toString()).isZero();
        return r.out();
    }

    private static String okWithInput(String stdin, String... args) {
        Result r = KUBECTL.runWithInput(stdin, withNamespace(args));
        assertThat(r.exit()).as(r.toString()).isZero();
        return r.out();
    }

    private static String[] withNamespace(String... args) {
        return Stream.concat(Stream.of("-n", NS), Stream.of(args)).toArray(String[]::new);
    }

    @BeforeAll
    static void fixtures() {
        KubeHttp.createNamespace(NS);
        okWithInput(Manifests.WEB, "apply", "-f", "-");
    }

    @Test
    void version() {
        String out = ok("version");
        assertThat(out).contains("Client Version: v1.32").containsPattern("Server Version: v1\\.\\d+");
        JsonNode json = Json.MAPPER.readTree(ok("version", "-o", "json"));
        assertThat(json.path("serverVersion").path("major").asString()).isEqualTo("1");
    }

    @Test
    void apiResourcesListShortNames() {
        String out = ok("api-resources");
        assertThat(out.lines().findFirst().orElse("")).contains("NAME").contains("SHORTNAMES").contains("KIND");
        for (String[] row : new String[][] {
                {"configmaps", "cm"}, {"namespaces", "ns"}, {"pods", "po"}, {"services", "svc"},
                {"deployments", "deploy"}, {"replicasets", "rs"}, {"statefulsets", "sts"},
                {"daemonsets", "ds"}, {"serviceaccounts", "sa"}}) {
            assertThat(out).as(row[0]).containsPattern("(?m)^" + row[0] + "\\s+" + row[1] + "\\s");
        }
    }

    @Test
    void createNamespace() {
        assertThat(KUBECTL.run("create", "namespace", "e2e-kubectl-created").out())
                .contains("namespace/e2e-kubectl-created created");
        assertThat(KUBECTL.run("get", "ns", "e2e-kubectl-created").out()).contains("Active");
    }

    /**
     * A manifest stating zero values Go leaves out (hostNetwork: false, tty: false, hostPort: 0) applies again
     * without touching the Job's immutable template: kube stores none of them, so kubectl's patch restates them and
     * kube takes it as no change.
     */
    @Test
    void applyingAJobAgainThatStatesZeroValues(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path file = dir.resolve("job.yaml");
        Files.writeString(file, """
                apiVersion: batch/v1
                kind: Job
                metadata:
                  name: zeros
                spec:
                  suspend: true
                  template:
                    spec:
                      restartPolicy: Never
                      hostNetwork: false
                      containers:
                      - name: c
                        image: busybox
                        tty: false
                        ports:
                        - containerPort: 80
                          hostPort: 0
                """);
        assertThat(ok("apply", "-f", file.toString())).contains("job.batch/zeros created");
        assertThat(ok("get", "job", "zeros", "-o", "jsonpath={.spec.template.spec.hostNetwork}"
                + "{.spec.template.spec.containers[0].tty}{.spec.template.spec.containers[0].ports[0]}"))
                .isEqualTo("{\"containerPort\":80,\"protocol\":\"TCP\"}");
        assertThat(ok("apply", "-f", file.toString())).contains("job.batch/zeros");
        assertThat(ok("delete", "-f", file.toString())).contains("job.batch \"zeros\" deleted");
    }

    @Test
    void applyMultiDocumentFile(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path file = dir.resolve("stack.yaml");
        Files.writeString(file, Manifests.STACK);
        String out = ok("apply", "-f", file.toString());
        assertThat(out).contains("configmap/stack-config created", "secret/stack-secret created",
                "deployment.apps/stack created", "service/stack created");
        assertThat(ok("apply", "-f", file.toString())).contains("configmap/stack-config unchanged");
        assertThat(ok("get", "secret", "stack-secret", "-o", "jsonpath={.data.password}"))
                .isEqualTo("czNjcjN0");
        assertThat(ok("get", "svc", "stack", "-o", "jsonpath={.spec.clusterIP}")).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");

        String deleted = ok("delete", "-f", file.toString());
        assertThat(deleted).contains("configmap \"stack-config\" deleted", "secret \"stack-secret\" deleted",
                "deployment.apps \"stack\" deleted", "service \"stack\" deleted");
        Result gone = KUBECTL.run(withNamespace("get", "cm", "stack-config"));
        assertThat(gone.exit()).isNotZero();
        assertThat(gone.err()).contains("configmaps \"stack-config\" not found");
    }

    static Stream<Arguments> tables() {
        return Stream.of(
                Arguments.of(List.of("get", "deploy"), "NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE",
                        "web\\s+\\d/\\d\\s+\\d+\\s+\\d+\\s+\\S+"),
                Arguments.of(List.of("get", "deploy", "-o", "wide"),
                        "NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE\\s+CONTAINERS\\s+IMAGES\\s+SELECTOR",
                        "web\\s+\\d/\\d\\s+\\d+\\s+\\d+\\s+\\S+\\s+web\\s+nginx:1.2\\d\\s+app=web"),
                Arguments.of(List.of("get", "cm", "web-config"), "NAME\\s+DATA\\s+AGE", "web-config\\s+1\\s+\\S+"),
                Arguments.of(List.of("get", "cm", "--show-labels"), "NAME\\s+DATA\\s+AGE\\s+LABELS",
                        "web-config\\s+1\\s+\\S+\\s+app=web,tier=front"),
                Arguments.of(List.of("get", "cm", "-l", "app in (web)"), "NAME", "web-config\\s"),
                Arguments.of(List.of("get", "cm", "-l", "!foo,app"), "NAME", "web-config\\s"),
                Arguments.of(List.of("get", "cm", "--field-selector", "metadata.name=web-config"), "NAME",
                        "web-config\\s"),
                // the Deployment's Pods come first (the controllers made them), then the Deployment's table
                Arguments.of(List.of("get", "all"), "NAME\\s+READY\\s+(STATUS\\s+RESTARTS|UP-TO-DATE)",
                        "deployment.apps/web\\s"),
                Arguments.of(List.of("get", "ns", NS), "NAME\\s+STATUS\\s+AGE", NS + "\\s+Active\\s"));
    }

    @ParameterizedTest(name = "kubectl {0}")
    @MethodSource("tables")
    void getPrintsTable(List<String> args, String header, String row) {
        String out = ok(args.toArray(String[]::new));
        List<String> lines = out.lines().toList();
        assertThat(lines).as(out).isNotEmpty();
        assertThat(lines.getFirst()).containsPattern(header);
        assertThat(out).containsPattern("(?m)^" + row);
    }

    @Test
    void selectorsExcludeNonMatching() {
        assertThat(ok("get", "cm", "-l", "app notin (web)", "-o", "name")).doesNotContain("web-config");
        assertThat(ok("get", "cm", "-l", "!tier", "-o", "name")).doesNotContain("web-config");
        assertThat(ok("get", "cm", "--field-selector", "metadata.name!=web-config", "-o", "name"))
                .doesNotContain("web-config");
    }

    @Test
    void getStructuredOutput() {
        String yaml = ok("get", "cm", "web-config", "-o", "yaml");
        assertThat(yaml).contains("apiVersion: v1", "kind: ConfigMap", "name: web-config", "greeting: hello",
                "resourceVersion:", "uid:");
        JsonNode json = Json.MAPPER.readTree(ok("get", "deploy", "web", "-o", "json"));
        assertThat(json.path("kind").asString()).isEqualTo("Deployment");
        assertThat(json.path("spec").path("replicas").asInt()).isEqualTo(2);
        JsonNode list = Json.MAPPER.readTree(ok("get", "cm", "-o", "json"));
        assertThat(list.path("kind").asString()).isEqualTo("List");
        // the server's list leaves its items' type out, as kube's does; kubectl puts it back from the list's kind
        assertThat(list.path("items")).isNotEmpty().allSatisfy(item -> {
            assertThat(item.path("kind").asString()).isEqualTo("ConfigMap");
            assertThat(item.path("apiVersion").asString()).isEqualTo("v1");
        });
        assertThat(ok("get", "cm", "-o", "jsonpath={.items[*].metadata.name}")).contains("web-config");
        assertThat(ok("get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}"))
                .isEqualTo("nginx:1.27");
        assertThat(ok("get", "cm", "web-config", "-o", "custom-columns=N:.metadata.name,G:.data.greeting"))
                .containsPattern("web-config\\s+hello");
    }

    @Test
    void labelAndAnnotate() {
        okWithInput(Manifests.configMap("tagged"), "apply", "-f", "-");
        assertThat(ok("label", "cm", "tagged", "color=blue")).contains("configmap/tagged labeled");
        assertThat(ok("get", "cm", "-l", "color=blue", "-o", "name")).isEqualTo("configmap/tagged\n");
        assertThat(ok("label", "cm", "tagged", "color=red", "--overwrite")).contains("labeled");
        assertThat(ok("label", "cm", "tagged", "color-")).contains("unlabeled");
        assertThat(ok("annotate", "cm", "tagged", "note=hi")).contains("configmap/tagged annotated");
        assertThat(ok("get", "cm", "tagged", "-o", "jsonpath={.metadata.annotations.note}")).isEqualTo("hi");
        Result conflict = KUBECTL.run(withNamespace("annotate", "cm", "tagged", "note=again"));
        assertThat(conflict.exit()).isNotZero();
        assertThat(conflict.err()).contains("already has a value (hi)");
    }

    static Stream<Arguments> patches() {
        return Stream.of(
                Arguments.of("strategic", "{\"data\":{\"s\":\"1\"}}", "{.data.s}", "1"),
                Arguments.of("merge", "{\"data\":{\"m\":\"2\"}}", "{.data.m}", "2"),
                Arguments.of("json", "[{\"op\":\"add\",\"path\":\"/data/j\",\"value\":\"3\"}]", "{.data.j}", "3"));
    }

    @ParameterizedTest(name = "patch --type={0}")
    @MethodSource("patches")
    void patchConfigMap(String type, String patch, String jsonPath, String expected) {
        okWithInput(Manifests.configMap("patched-" + type), "apply", "-f", "-");
        assertThat(ok("patch", "cm", "patched-" + type, "--type=" + type, "-p", patch))
                .contains("configmap/patched-" + type + " patched");
        assertThat(ok("get", "cm", "patched-" + type, "-o", "jsonpath=" + jsonPath)).isEqualTo(expected);
    }

    @Test
    void strategicPatchMergesContainersByName() {
        ok("patch", "deploy", "web", "-p",
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.28\"}]}}}}");
        assertThat(ok("get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[*].image}"))
                .isEqualTo("nginx:1.28");
    }

    @Test
    void patchStatusSubresource() {
        // a Service's status: no controller of Kapi writes it (a Deployment's is the deployment controller's)
        ok("create", "service", "clusterip", "status-svc", "--tcp=80:80");
        assertThat(ok("patch", "svc", "status-svc", "--subresource=status", "--type=merge", "-p",
                "{\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"192.0.2.7\"}]}}}"))
                .contains("service/status-svc patched");
        assertThat(ok("get", "svc", "status-svc", "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}"))
                .isEqualTo("192.0.2.7");
        assertThat(ok("get", "svc", "status-svc", "--subresource=status", "-o",
                "jsonpath={.status.loadBalancer.ingress[0].ip}")).isEqualTo("192.0.2.7");
    }

    @Test
    void scaleDeployment() {
        okWithInput(Manifests.WEB.replace("name: web\n", "name: scaled\n"), "apply", "-f", "-");
        assertThat(ok("scale", "deploy", "scaled", "--replicas=4")).contains("deployment.apps/scaled scaled");
        assertThat(ok("get", "deploy", "scaled", "-o", "jsonpath={.spec.replicas}")).isEqualTo("4");
        assertThat(ok("get", "deploy", "scaled", "--subresource=scale", "-o", "jsonpath={.spec.replicas}"))
                .isEqualTo("4");
    }

    @Test
    void createFromFileWithServerDryRunStoresNothing() {
        String out = okWithInput(Manifests.configMap("dry-file"), "create", "-f", "-", "--dry-run=server");
        assertThat(out).contains("configmap/dry-file created (server dry run)");
        Result get = KUBECTL.run(withNamespace("get", "cm", "dry-file"));
        assertThat(get.exit()).isNotZero();
        assertThat(get.err()).contains("not found");
    }

    @Test
    void typedCreateWithServerDryRunStoresNothing() {
        assertThat(ok("create", "configmap", "dry-typed", "--from-literal=a=b", "--dry-run=server"))
                .contains("configmap/dry-typed created (server dry run)");
        assertThat(KUBECTL.run(withNamespace("get", "cm", "dry-typed")).exit()).isNotZero();
        assertThat(ok("create", "deployment", "dry-deploy", "--image=nginx", "--dry-run=server", "-o", "yaml"))
                .contains("name: dry-deploy");
        assertThat(KUBECTL.run(withNamespace("get", "deploy", "dry-deploy")).exit()).isNotZero();
    }

    @Test
    void coreResources() {
        assertThat(ok("run", "core-pod", "--image=nginx:1.27", "--labels=app=core-pod")).contains("pod/core-pod created");
        assertThat(ok("get", "pod", "core-pod", "-o", "jsonpath={.spec.containers[0].image}")).isEqualTo("nginx:1.27");
        assertThat(ok("get", "pods")).contains("NAME", "READY", "STATUS", "core-pod");
        assertThat(ok("expose", "pod", "core-pod", "--port=80", "--name=core-svc")).contains("service/core-svc exposed");
        assertThat(ok("get", "svc", "core-svc", "-o", "jsonpath={.spec.clusterIP}"))
                .matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
        assertThat(ok("create", "secret", "generic", "core-secret", "--from-literal=password=s3cret"))
                .contains("secret/core-secret created");
        assertThat(ok("get", "secret", "core-secret", "-o", "jsonpath={.data.password}"))
                .isEqualTo(java.util.Base64.getEncoder().encodeToString("s3cret".getBytes()));
        assertThat(ok("delete", "pod", "core-pod", "--wait=false")).contains("pod \"core-pod\" deleted");
    }

    @Test
    void typedCreate() {
        assertThat(ok("create", "configmap", "typed", "--from-literal=a=b")).contains("configmap/typed created");
        assertThat(ok("get", "cm", "typed", "-o", "jsonpath={.data.a}")).isEqualTo("b");
    }

    @Test
    void watchPrintsEvents() throws Exception {
        Process watch = KUBECTL.start(withNamespace("get", "cm", "-l", "app=watched", "-w",
                "--output-watch-events", "--request-timeout=30s"));
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // stopped
            }
        });
        try {
            Thread.sleep(1500); // let kubectl list and open its watch
            okWithInput(Manifests.configMap("watched").replace("app: single", "app: watched"), "apply", "-f", "-");
            ok("label", "cm", "watched", "extra=yes");
            ok("delete", "cm", "watched");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (lines.stream().noneMatch(l -> l.startsWith("DELETED")) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        } finally {
            watch.destroy();
            watch.waitFor(5, TimeUnit.SECONDS);
            reader.join(5000);
        }
        String out = String.join("\n", lines);
        assertThat(out).containsPattern("(?m)^EVENT\\s+NAME\\s")
                .containsPattern("(?m)^ADDED\\s+watched\\s")
                .containsPattern("(?m)^MODIFIED\\s+watched\\s")
                .containsPattern("(?m)^DELETED\\s+watched\\s");
    }
}
