package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.e2e.KubeHttp.Reply;
import dev.kapi.apiserver.e2e.Kubectl.Result;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * A ValidatingAdmissionPolicy with kubectl: a policy with a ConfigMap as params and its binding (which selects
 * only this test's namespace) are applied; a Deployment with more replicas than the ConfigMap allows is refused
 * with kube's message, one within it is created; the status controller records the policy's generation and
 * the type-checking warning of a policy that names a field Deployments do not have.
 */
@ExtendWith(KapiServerExtension.class)
class ValidatingAdmissionPolicyIT {

    private static final Kubectl KUBECTL = Kubectl.named("kubectl");
    private static final String NS = "e2e-vap";

    private static final String POLICY = """
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicy
            metadata:
              name: e2e-vap-max-replicas
            spec:
              failurePolicy: Fail
              paramKind: {apiVersion: v1, kind: ConfigMap}
              matchConstraints:
                resourceRules:
                - apiGroups: ["apps"]
                  apiVersions: ["v1"]
                  operations: ["CREATE", "UPDATE"]
                  resources: ["deployments"]
              validations:
              - expression: "object.spec.replicas <= int(params.data.maxReplicas)"
                messageExpression: "'at most ' + params.data.maxReplicas + ' replicas, not ' + string(object.spec.replicas)"
            ---
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicyBinding
            metadata:
              name: e2e-vap-max-replicas
            spec:
              policyName: e2e-vap-max-replicas
              validationActions: [Deny]
              paramRef: {name: limits, parameterNotFoundAction: Deny}
              matchResources:
                namespaceSelector:
                  matchLabels: {e2e-vap: "yes"}
            ---
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicy
            metadata:
              name: e2e-vap-typo
            spec:
              matchConstraints:
                resourceRules:
                - apiGroups: ["apps"]
                  apiVersions: ["v1"]
                  operations: ["CREATE"]
                  resources: ["deployments"]
              validations:
              - expression: "object.spec.replica > 0"
            """;

    private static Result ok(String stdin, String... args) {
        Result r = stdin == null ? KUBECTL.run(args) : KUBECTL.runWithInput(stdin, args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    private static String deployment(String name, int replicas) {
        return "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"spec\":{\"replicas\":" + replicas + ",\"selector\":{\"matchLabels\":{\"app\":\"" + name + "\"}},"
                + "\"template\":{\"metadata\":{\"labels\":{\"app\":\"" + name + "\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}}}";
    }

    @Test
    void aDeploymentOverTheParamsLimitIsDeniedWithKubesMessage() throws InterruptedException {
        ok(null, "create", "namespace", NS);
        ok(null, "label", "namespace", NS, "e2e-vap=yes");
        ok(null, "create", "configmap", "limits", "-n", NS, "--from-literal=maxReplicas=3");
        try {
            ok(POLICY, "apply", "-f", "-");
            String expected = "ValidatingAdmissionPolicy 'e2e-vap-max-replicas' with binding 'e2e-vap-max-replicas' "
                    + "denied request: at most 3 replicas, not 5";
            Result denied = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) { // the policy reaches admission through informers
                denied = KUBECTL.run("create", "deployment", "big", "-n", NS, "--image=nginx", "--replicas=5");
                if (denied.exit() != 0) {
                    break;
                }
                ok(null, "delete", "deployment", "big", "-n", NS);
                Thread.sleep(200);
            }
            assertThat(denied.exit()).as(denied.toString()).isNotZero();
            assertThat(denied.err()).contains("deployments.apps \"big\" is forbidden: " + expected);

            Reply reply = KubeHttp.post("/apis/apps/v1/namespaces/" + NS + "/deployments", deployment("big", 5));
            assertThat(reply.code()).as(reply.body()).isEqualTo(422);
            JsonNode status = reply.json();
            assertThat(status.path("reason").asString()).isEqualTo("Invalid");
            assertThat(status.path("message").asString()).isEqualTo("deployments.apps \"big\" is forbidden: " + expected);
            assertThat(status.path("details").path("causes").path(0).path("message").asString()).isEqualTo(expected);

            ok(null, "create", "deployment", "small", "-n", NS, "--image=nginx", "--replicas=2");
            assertThat(ok(null, "get", "deployment", "small", "-n", NS, "-o", "jsonpath={.spec.replicas}").out())
                    .isEqualTo("2");

            ok(null, "wait", "--for=jsonpath={.status.observedGeneration}=1",
                    "validatingadmissionpolicy/e2e-vap-typo", "--timeout=30s");
            assertThat(ok(null, "get", "validatingadmissionpolicy", "e2e-vap-typo", "-o",
                    "jsonpath={.status.typeChecking.expressionWarnings[0].warning}").out())
                    .startsWith("apps/v1, Kind=Deployment: ERROR: <input>:1:12: undefined field 'replica'");
            assertThat(ok(null, "get", "validatingadmissionpolicy", "e2e-vap-max-replicas", "-o",
                    "jsonpath={.status.typeChecking}").out()).isEqualTo("{}");
        } finally {
            KUBECTL.runWithInput(POLICY, "delete", "-f", "-", "--ignore-not-found");
            KUBECTL.run("delete", "namespace", NS, "--wait=false");
        }
    }
}
