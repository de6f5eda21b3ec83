package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.e2e.Kubectl.Result;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A CustomResourceDefinition used as a new user would with kubectl v1.32: apply the CRD, apply objects, get
 * them with the printer columns, explain a custom field, patch the status, scale, have the schema, a CEL rule
 * and a transition rule refuse bad writes, unknown fields refused by kubectl's strict validation, {@code get all}
 * through the category, and delete the CRD, which takes its objects with it.
 */
@ExtendWith(KapiServerExtension.class)
class CustomResourcesKubectlIT {

    private static final String NS = "e2e-crd-kubectl";
    private static final Kubectl KUBECTL = Kubectl.named("kubectl");

    static final String CRD = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: gizmos.kubectl.e2e.kapi.dev
            spec:
              group: kubectl.e2e.kapi.dev
              scope: Namespaced
              names: {plural: gizmos, singular: gizmo, kind: Gizmo, listKind: GizmoList, shortNames: [gz], categories: [all]}
              versions:
              - name: v1
                served: true
                storage: true
                subresources:
                  status: {}
                  scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}
                selectableFields:
                - {jsonPath: .spec.color}
                additionalPrinterColumns:
                - {name: Replicas, type: integer, jsonPath: .spec.replicas}
                - {name: Color, type: string, jsonPath: .spec.color}
                - {name: Ready, type: string, jsonPath: '.status.conditions[?(@.type=="Ready")].status'}
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        description: What a gizmo should be.
                        x-kubernetes-validations:
                        - rule: self.replicas <= self.maxReplicas
                          message: replicas may not exceed maxReplicas
                        properties:
                          replicas: {type: integer, minimum: 0, maximum: 10}
                          maxReplicas: {type: integer, default: 5}
                          color:
                            type: string
                            description: The colour of the gizmo, red or blue.
                            enum: [red, blue]
                          note: {type: string, nullable: true, maxLength: 64}
                          mode:
                            type: string
                            x-kubernetes-validations:
                            - {rule: self == oldSelf, message: mode is immutable}
                      status:
                        type: object
                        properties:
                          replicas: {type: integer}
                          conditions:
                            type: array
                            items:
                              type: object
                              properties:
                                type: {type: string}
                                status: {type: string}
            """;

    private static Result run(String stdin, String... args) {
        return KUBECTL.runWithInput(stdin, Stream.concat(Stream.of("-n", NS), Stream.of(args)).toArray(String[]::new));
    }

    private static String ok(String stdin, String... args) {
        Result r = run(stdin, args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r.out();
    }

    private static String gizmo(String name, int replicas, String color, String mode) {
        return """
                apiVersion: kubectl.e2e.kapi.dev/v1
                kind: Gizmo
                metadata: {name: %s}
                spec: {replicas: %d, color: %s, mode: %s}
                """.formatted(name, replicas, color, mode);
    }

    @BeforeAll
    static void installCrd() {
        KubeHttp.createNamespace(NS);
        assertThat(ok(CRD, "apply", "-f", "-")).contains("customresourcedefinition.apiextensions.k8s.io/gizmos.kubectl.e2e.kapi.dev created");
        ok(null, "wait", "--for=condition=Established", "--timeout=5s", "crd/gizmos.kubectl.e2e.kapi.dev");
    }

    @Test
    void objectsAreServedWithTheirPrinterColumnsAndDefaults() {
        ok(gizmo("g1", 2, "red", "fast"), "apply", "-f", "-");
        ok(null, "patch", "gizmo", "g1", "--subresource=status", "--type=merge",
                "-p", "{\"status\":{\"replicas\":1,\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}");
        String table = ok(null, "get", "gizmos");
        assertThat(table.lines().findFirst().orElseThrow()).matches("NAME\\s+REPLICAS\\s+COLOR\\s+READY");
        assertThat(table).containsPattern("g1\\s+2\\s+red\\s+True");
        assertThat(ok(null, "get", "gz", "g1", "-o", "jsonpath={.spec.maxReplicas}/{.status.replicas}")).isEqualTo("5/1");
        assertThat(ok(null, "get", "all")).contains("gizmo.kubectl.e2e.kapi.dev/g1");
    }

    @Test
    void selectableFieldsWorkInFieldSelectors() {
        ok(gizmo("sel-red", 1, "red", "a"), "apply", "-f", "-");
        ok(gizmo("sel-blue", 1, "blue", "a"), "apply", "-f", "-");
        String red = ok(null, "get", "gizmos", "--field-selector", "spec.color=red", "-o", "name");
        assertThat(red).contains("gizmo.kubectl.e2e.kapi.dev/sel-red").doesNotContain("sel-blue");
        assertThat(ok(null, "get", "gizmos", "--field-selector", "spec.color!=red,metadata.name=sel-blue", "-o", "name"))
                .isEqualTo("gizmo.kubectl.e2e.kapi.dev/sel-blue\n");
        Result unsupported = run(null, "get", "gizmos", "--field-selector", "spec.mode=a");
        assertThat(unsupported.exit()).isNotZero();
        assertThat(unsupported.err()).contains("field label not supported: spec.mode");
    }

    @Test
    void explainShowsTheSchema() {
        String out = ok(null, "explain", "gizmos.spec.color");
        assertThat(out).contains("KIND:       Gizmo").contains("The colour of the gizmo, red or blue.")
                .containsPattern("ENUM:\\s+red\\s+blue");
        // the Swagger 2 document (JSON and kubectl's protobuf) carries the schema too, nullable left out
        assertThat(ok(null, "get", "--raw", "/openapi/v2")).contains("dev.kapi.e2e.kubectl.v1.Gizmo");
        Result old = Kubectl.named("kubectl.1.27").run("explain", "gizmos.spec.color");
        assertThat(old.exit()).as(old.toString()).isZero();
        assertThat(old.out()).contains("The colour of the gizmo, red or blue.");
    }

    @Test
    void scaleWritesTheSpecReplicas() {
        ok(gizmo("g2", 1, "blue", "slow"), "apply", "-f", "-");
        assertThat(ok(null, "scale", "gizmo", "g2", "--replicas=4")).contains("gizmo.kubectl.e2e.kapi.dev/g2 scaled");
        assertThat(ok(null, "get", "gizmo", "g2", "-o", "jsonpath={.spec.replicas}")).isEqualTo("4");
    }

    @Test
    void theSchemaAndTheCelRulesRefuseBadObjects() {
        Result tooMany = run(gizmo("g3", 20, "red", "fast"), "apply", "-f", "-");
        assertThat(tooMany.exit()).isNotZero();
        assertThat(tooMany.err()).contains("spec.replicas: Invalid value: 20: spec.replicas in body should be less than or equal to 10");
        Result green = run(gizmo("g3", 1, "green", "fast"), "apply", "-f", "-");
        assertThat(green.err()).contains("spec.color: Unsupported value: \"green\": supported values: \"red\", \"blue\"");
        Result overMax = run(gizmo("g3", 7, "red", "fast"), "apply", "-f", "-");
        assertThat(overMax.err()).contains("spec: Invalid value: \"object\": replicas may not exceed maxReplicas");
        ok(gizmo("g3", 1, "red", "fast"), "apply", "-f", "-");
        Result modeChange = run(gizmo("g3", 1, "red", "slow"), "apply", "-f", "-");
        assertThat(modeChange.exit()).isNotZero();
        assertThat(modeChange.err()).contains("spec.mode: Invalid value: \"string\": mode is immutable");
    }

    @Test
    void unknownFieldsAreRefusedByKubectlsStrictValidation() {
        Result r = run(gizmo("g4", 1, "red", "fast").replace("mode: fast}", "mode: fast, bogus: 1}"), "apply", "-f", "-");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("Gizmo in version \"v1\" cannot be handled as a Gizmo: strict decoding error: "
                + "unknown field \"spec.bogus\"");
    }

    /** A misspelt schema keyword is not dropped unseen: kubectl's strict validation refuses it, in kube's words. */
    @Test
    void aCrdWithAMisspeltSchemaKeywordIsRefusedByKubectlsStrictValidation() {
        String typo = CRD.replace("gizmos.kubectl", "typos.kubectl")
                .replace("plural: gizmos, singular: gizmo, kind: Gizmo, listKind: GizmoList, shortNames: [gz], "
                        + "categories: [all]", "plural: typos, kind: Typo")
                .replace("maxLength: 64", "maxLenght: 64");
        Result r = run(typo, "apply", "-f", "-");
        assertThat(r.exit()).as(r.toString()).isNotZero();
        assertThat(r.err()).contains("CustomResourceDefinition in version \"v1\" cannot be handled as a "
                + "CustomResourceDefinition: strict decoding error: unknown field "
                + "\"spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.note.maxLenght\"");
        assertThat(run(null, "get", "crd", "typos.kubectl.e2e.kapi.dev").exit()).isNotZero();
    }

    @Test
    void strategicMergePatchIsRefusedAsKubeRefusesIt() {
        ok(gizmo("g5", 1, "red", "fast"), "apply", "-f", "-");
        Result r = run(null, "patch", "gizmo", "g5", "-p", "{\"spec\":{\"color\":\"blue\"}}");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("application/strategic-merge-patch+json is not supported by kubectl.e2e.kapi.dev/v1, Kind=Gizmo");
        ok(null, "patch", "gizmo", "g5", "--type=merge", "-p", "{\"spec\":{\"color\":\"blue\"}}");
    }
}
