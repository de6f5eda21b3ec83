package dev.kapi.apiserver.e2e;

import static dev.kapi.apiserver.e2e.ManagedFields.entry;
import static dev.kapi.apiserver.e2e.ManagedFields.owns;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.e2e.Kubectl.Result;
import dev.kapi.apiserver.e2e.KubeHttp.Reply;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Server-side apply driven by kubectl 1.27, 1.32 and 1.33 ({@code apply --server-side}, {@code --field-manager},
 * {@code --force-conflicts}, {@code diff --server-side}, {@code --show-managed-fields}, the move from
 * client-side apply, {@code scale}), each binary in its own namespace, each case on objects of its own.
 */
@ExtendWith(KapiServerExtension.class)
class ServerSideApplyIT {

    static Stream<String> binaries() {
        return Stream.of("kubectl.1.27", "kubectl", "kubectl.1.33");
    }

    /** kubectl run in a namespace of this binary's own. */
    private record Cli(Kubectl kubectl, String ns) {

        static Cli of(String binary) {
            String ns = "e2e-ssa-" + binary.replace('.', '-');
            KubeHttp.createNamespace(ns);
            return new Cli(Kubectl.named(binary), ns);
        }

        Result run(String stdin, String... args) {
            return kubectl.runWithInput(stdin, Stream.concat(Stream.of("-n", ns), Stream.of(args))
                    .toArray(String[]::new));
        }

        String ok(String stdin, String... args) {
            Result r = run(stdin, args);
            assertThat(r.exit()).as(r.toString()).isZero();
            return r.out();
        }

        String apply(String manifest, String... flags) {
            return ok(manifest, Stream.concat(Stream.of("apply", "--server-side", "-f", "-"), Stream.of(flags))
                    .toArray(String[]::new));
        }

        JsonNode deployment(String name) {
            return object("/apis/apps/v1/namespaces/" + ns + "/deployments/" + name);
        }

        JsonNode configMap(String name) {
            return object("/api/v1/namespaces/" + ns + "/configmaps/" + name);
        }

        private static JsonNode object(String path) {
            Reply r = KubeHttp.get(path);
            assertThat(r.code()).as(r.toString()).isEqualTo(200);
            return r.json();
        }
    }

    /** A Deployment with two labels, {@code replicas} and a container {@code web} with env MODE and EXTRA. */
    static String deployment(String name, int replicas, String image) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: %s
                  labels: {app: %s, tier: web}
                spec:
                  replicas: %d
                  selector:
                    matchLabels: {app: %s}
                  template:
                    metadata:
                      labels: {app: %s}
                    spec:
                      containers:
                      - name: web
                        image: %s
                        env:
                        - {name: MODE, value: demo}
                        - {name: EXTRA, value: "1"}
                """.formatted(name, name, replicas, name, name, image);
    }

    /** The same Deployment without replicas, without the label {@code tier} and without env EXTRA. */
    static String trimmedDeployment(String name, String image) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: %s
                  labels: {app: %s}
                spec:
                  selector:
                    matchLabels: {app: %s}
                  template:
                    metadata:
                      labels: {app: %s}
                    spec:
                      containers:
                      - name: web
                        image: %s
                        env:
                        - {name: MODE, value: demo}
                """.formatted(name, name, name, name, image);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaries")
    void applyCreatesAndShowsManagedFields(String binary) {
        Cli cli = Cli.of(binary);
        assertThat(cli.apply(deployment("created", 2, "nginx:1.27")))
                .isEqualTo("deployment.apps/created serverside-applied\n");

        String yaml = cli.ok(null, "get", "deploy", "created", "-o", "yaml", "--show-managed-fields");
        assertThat(yaml).contains("managedFields:", "manager: kubectl", "operation: Apply", "fieldsType: FieldsV1",
                "f:spec:", "f:replicas: {}", "k:{\"name\":\"web\"}:", "k:{\"name\":\"EXTRA\"}:");
        assertThat(cli.ok(null, "get", "deploy", "created", "-o", "yaml")).doesNotContain("managedFields");

        JsonNode kubectl = entry(cli.deployment("created"), "kubectl", "Apply");
        assertThat(kubectl).as("kubectl's Apply entry").isNotNull();
        assertThat(kubectl.path("apiVersion").asString()).isEqualTo("apps/v1");
        assertThat(owns(kubectl, "f:spec", "f:replicas")).isTrue();
        assertThat(owns(kubectl, "f:metadata", "f:labels", "f:tier")).isTrue();
        assertThat(owns(kubectl, "f:spec", "f:template", "f:spec", "f:containers", "k:{\"name\":\"web\"}",
                "f:image")).isTrue();
        // defaults are nobody's: the applier owns only what it sent
        assertThat(owns(kubectl, "f:spec", "f:strategy")).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaries")
    void secondManagerConflictsUntilItForces(String binary) {
        Cli cli = Cli.of(binary);
        cli.apply(deployment("contested", 2, "nginx:1.27"));
        String other = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: contested
                spec:
                  replicas: 3
                """;

        Result refused = cli.run(other, "apply", "--server-side", "--field-manager=other", "-f", "-");
        assertThat(refused.exit()).as(refused.toString()).isNotZero();
        assertThat(refused.err()).as(refused.toString())
                .contains("Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas\n")
                .contains("Please review the fields above--they currently have other managers.")
                .contains("command with the `--force-conflicts` flag.");
        assertThat(cli.deployment("contested").path("spec").path("replicas").asInt()).isEqualTo(2);

        assertThat(cli.apply(other, "--field-manager=other", "--force-conflicts"))
                .isEqualTo("deployment.apps/contested serverside-applied\n");
        JsonNode d = cli.deployment("contested");
        assertThat(d.path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(owns(entry(d, "other", "Apply"), "f:spec", "f:replicas")).as("other owns .spec.replicas").isTrue();
        JsonNode kubectl = entry(d, "kubectl", "Apply");
        assertThat(owns(kubectl, "f:spec", "f:replicas")).as("kubectl lost .spec.replicas").isFalse();
        assertThat(owns(kubectl, "f:spec", "f:template")).as("kubectl keeps the rest").isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaries")
    void fieldsDroppedFromTheManifestAreRemoved(String binary) {
        Cli cli = Cli.of(binary);
        cli.apply(deployment("pruned", 2, "nginx:1.27"));
        JsonNode before = cli.deployment("pruned");
        assertThat(before.path("metadata").path("labels").has("tier")).isTrue();
        assertThat(before.path("spec").path("template").path("spec").path("containers").get(0).path("env").size())
                .isEqualTo(2);

        assertThat(cli.apply(trimmedDeployment("pruned", "nginx:1.27")))
                .isEqualTo("deployment.apps/pruned serverside-applied\n");
        JsonNode after = cli.deployment("pruned");
        assertThat(after.path("metadata").path("labels").has("tier")).as("label tier removed").isFalse();
        assertThat(after.path("metadata").path("labels").path("app").asString()).isEqualTo("pruned");
        JsonNode env = after.path("spec").path("template").path("spec").path("containers").get(0).path("env");
        assertThat(env.size()).as(env.toString()).isEqualTo(1);
        assertThat(env.get(0).path("name").asString()).isEqualTo("MODE");
        // replicas dropped by its only owner: the field goes, and the default comes back
        assertThat(after.path("spec").path("replicas").asInt()).isEqualTo(1);
        JsonNode kubectl = entry(after, "kubectl", "Apply");
        assertThat(owns(kubectl, "f:metadata", "f:labels", "f:tier")).isFalse();
        assertThat(owns(kubectl, "f:spec", "f:replicas")).isFalse();
        assertThat(owns(kubectl, "f:spec", "f:template", "f:spec", "f:containers", "k:{\"name\":\"web\"}", "f:env",
                "k:{\"name\":\"EXTRA\"}")).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaries")
    void diffServerSideShowsTheChangeWithoutMakingIt(String binary) {
        Cli cli = Cli.of(binary);
        cli.apply(deployment("diffed", 2, "nginx:1.27"));
        String rv = settledResourceVersion(cli, "diffed");

        Result changed = cli.run(deployment("diffed", 2, "nginx:1.28"), "diff", "--server-side", "-f", "-");
        assertThat(changed.exit()).as(changed.toString()).isEqualTo(1);
        assertThat(changed.out()).as(changed.toString())
                .containsPattern("(?m)^-\\s+image: nginx:1\\.27$")
                .containsPattern("(?m)^\\+\\s+image: nginx:1\\.28$");
        JsonNode live = cli.deployment("diffed");
        assertThat(live.path("metadata").path("resourceVersion").asString()).as("dry run").isEqualTo(rv);
        assertThat(live.path("spec").path("template").path("spec").path("containers").get(0).path("image")
                .asString()).isEqualTo("nginx:1.27");

        Result same = cli.run(deployment("diffed", 2, "nginx:1.27"), "diff", "--server-side", "-f", "-");
        assertThat(same.exit()).as(same.toString()).isZero();
        assertThat(same.out()).as(same.toString()).isEmpty();
        assertThat(cli.deployment("diffed").path("metadata").path("resourceVersion").asString()).isEqualTo(rv);
    }

    /**
     * The Deployment's resourceVersion once its controller has written what it writes after a change (its
     * ReplicaSet's status, its own status): unchanged for a second.
     */
    private static String settledResourceVersion(Cli cli, String name) {
        String rv = cli.deployment(name).path("metadata").path("resourceVersion").asString();
        long stableSince = System.nanoTime();
        long deadline = stableSince + 30_000_000_000L;
        while (System.nanoTime() - stableSince < 1_000_000_000L && System.nanoTime() < deadline) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            String now = cli.deployment(name).path("metadata").path("resourceVersion").asString();
            if (!now.equals(rv)) {
                rv = now;
                stableSince = System.nanoTime();
            }
        }
        return rv;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaries")
    void serverSideApplyTakesOverFromClientSideApply(String binary) {
        Cli cli = Cli.of(binary);
        String csa = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: migrated
                  labels: {app: csa}
                data:
                  k: v1
                  gone: x
                """;
        assertThat(cli.ok(csa, "apply", "-f", "-")).isEqualTo("configmap/migrated created\n");
        JsonNode created = cli.configMap("migrated");
        assertThat(entry(created, "kubectl-client-side-apply", "Update")).as(created.toString()).isNotNull();
        assertThat(lastApplied(created)).contains("\"k\":\"v1\"");

        String ssa = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: migrated
                  labels: {app: ssa}
                data:
                  k: v2
                  added: "yes"
                """;
        assertThat(cli.apply(ssa)).isEqualTo("configmap/migrated serverside-applied\n");
        JsonNode cm = cli.configMap("migrated");
        assertThat(cm.path("data").properties()).as(cm.toString()).hasSize(2);
        assertThat(cm.path("data").path("k").asString()).isEqualTo("v2");
        assertThat(cm.path("data").path("added").asString()).isEqualTo("yes");
        assertThat(cm.path("metadata").path("labels").path("app").asString()).isEqualTo("ssa");
        assertThat(lastApplied(cm)).contains("\"k\":\"v2\"", "\"added\":\"yes\"").doesNotContain("gone");
        JsonNode kubectl = entry(cm, "kubectl", "Apply");
        assertThat(owns(kubectl, "f:data", "f:k")).as(cm.toString()).isTrue();
        assertThat(owns(kubectl, "f:metadata", "f:labels", "f:app")).isTrue();
        assertThat(entry(cm, "kubectl-client-side-apply", "Update")).as("client-side ownership moved")
                .isNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaries")
    void scaleOwnsReplicasThroughTheScaleSubresource(String binary) {
        Cli cli = Cli.of(binary);
        cli.apply(deployment("scaled", 2, "nginx:1.27"));
        assertThat(cli.ok(null, "scale", "deploy/scaled", "--replicas=5")).isEqualTo("deployment.apps/scaled scaled\n");

        JsonNode d = cli.deployment("scaled");
        assertThat(d.path("spec").path("replicas").asInt()).isEqualTo(5);
        // kubectl scale names no field manager: kube takes it from the User-Agent, "<argv[0] base name>/<version>"
        JsonNode scale = entry(d, binary, "Update", "scale");
        assertThat(scale).as(ManagedFields.managers(d).toString()).isNotNull();
        assertThat(scale.path("apiVersion").asString()).isEqualTo("apps/v1");
        assertThat(scale.path("fieldsV1").toString()).isEqualTo("{\"f:spec\":{\"f:replicas\":{}}}");
        assertThat(owns(entry(d, "kubectl", "Apply"), "f:spec", "f:replicas")).isFalse();
    }

    private static String lastApplied(JsonNode obj) {
        return obj.path("metadata").path("annotations").path("kubectl.kubernetes.io/last-applied-configuration")
                .asString("");
    }
}
