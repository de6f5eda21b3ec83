package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.e2e.Kubectl.Result;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * admissionregistration.k8s.io/v1 with kubectl: a ValidatingWebhookConfiguration and a ValidatingAdmissionPolicy
 * with its binding are applied, listed with kube's columns, described, refused when invalid and deleted;
 * discovery and explain know the group. The objects match nothing any other test writes (a webhook for an
 * unserved group with failurePolicy Ignore, a binding that selects no namespace) so that they are inert once
 * admission acts on them, and each test deletes what it made.
 */
@ExtendWith(KapiServerExtension.class)
class AdmissionRegistrationKubectlIT {

    private static final Kubectl KUBECTL = Kubectl.named("kubectl");

    private static final String HOOK = """
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingWebhookConfiguration
            metadata:
              name: e2e-adreg-hook
            webhooks:
            - name: widgets.e2e.example.com
              clientConfig:
                service: {name: widget-hook, namespace: default, path: /validate}
              rules:
              - operations: ["CREATE", "UPDATE"]
                apiGroups: ["e2e.example.com"]
                apiVersions: ["v1"]
                resources: ["widgets"]
              failurePolicy: Ignore
              sideEffects: None
              admissionReviewVersions: ["v1"]
            """;

    private static final String POLICY = """
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicy
            metadata:
              name: e2e-adreg-replicas
            spec:
              paramKind: {apiVersion: v1, kind: ConfigMap}
              matchConstraints:
                resourceRules:
                - apiGroups: ["apps"]
                  apiVersions: ["v1"]
                  operations: ["CREATE", "UPDATE"]
                  resources: ["deployments"]
              validations:
              - expression: "object.spec.replicas <= int(params.data.max)"
                messageExpression: "'at most ' + params.data.max + ' replicas'"
            ---
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicyBinding
            metadata:
              name: e2e-adreg-replicas
            spec:
              policyName: e2e-adreg-replicas
              validationActions: [Audit]
              paramRef: {name: replica-limit, namespace: default, parameterNotFoundAction: Allow}
              matchResources:
                namespaceSelector:
                  matchLabels: {e2e-adreg: never}
            """;

    private static Result run(String stdin, String... args) {
        return stdin == null ? KUBECTL.run(args) : KUBECTL.runWithInput(stdin, args);
    }

    private static String ok(String stdin, String... args) {
        Result r = run(stdin, args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r.out();
    }

    private static String refused(String stdin, String... args) {
        Result r = run(stdin, args);
        assertThat(r.exit()).as(r.toString()).isNotZero();
        return r.err();
    }

    private static JsonNode json(String out) {
        return Json.object(out.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void discoveryAndExplainKnowTheGroup() {
        String resources = ok(null, "api-resources", "--api-group=admissionregistration.k8s.io");
        for (String row : new String[] {"mutatingwebhookconfigurations", "validatingadmissionpolicies",
                "validatingadmissionpolicybindings", "validatingwebhookconfigurations"}) {
            assertThat(resources).containsPattern("(?m)^" + row + "\\s+admissionregistration.k8s.io/v1\\s+false\\s");
        }
        assertThat(ok(null, "api-resources", "--categories=api-extensions")).contains("validatingwebhookconfigurations");
        assertThat(ok(null, "explain", "validatingwebhookconfiguration.webhooks"))
                .contains("KIND:       ValidatingWebhookConfiguration").contains("clientConfig\t<WebhookClientConfig>")
                .contains("sideEffects\t<string>");
        assertThat(ok(null, "explain", "validatingadmissionpolicy.spec.validations"))
                .contains("messageExpression\t<string>");
    }

    @Test
    void aWebhookConfigurationIsAppliedDefaultedListedDescribedAndDeleted() {
        assertThat(ok(HOOK, "apply", "-f", "-"))
                .contains("validatingwebhookconfiguration.admissionregistration.k8s.io/e2e-adreg-hook created");
        assertThat(ok(null, "get", "validatingwebhookconfigurations", "e2e-adreg-hook"))
                .containsPattern("NAME\\s+WEBHOOKS\\s+AGE").containsPattern("e2e-adreg-hook\\s+1\\s");
        JsonNode stored = json(ok(null, "get", "validatingwebhookconfiguration", "e2e-adreg-hook", "-o", "json"));
        JsonNode hook = stored.path("webhooks").path(0);
        assertThat(stored.path("metadata").path("generation").asLong()).isEqualTo(1);
        assertThat(hook.path("timeoutSeconds").asInt()).isEqualTo(10);
        assertThat(hook.path("matchPolicy").asString()).isEqualTo("Equivalent");
        assertThat(hook.path("namespaceSelector").isObject()).isTrue();
        assertThat(hook.path("clientConfig").path("service").path("port").asInt()).isEqualTo(443);
        assertThat(hook.path("rules").path(0).path("scope").asString()).isEqualTo("*");
        assertThat(ok(null, "describe", "validatingwebhookconfiguration", "e2e-adreg-hook"))
                .contains("Kind:         ValidatingWebhookConfiguration").containsPattern("Name:\\s+widget-hook")
                .containsPattern("Timeout Seconds:\\s+10");

        assertThat(refused(HOOK.replace("sideEffects: None", "sideEffects: Some").replace("e2e-adreg-hook", "e2e-adreg-bad"),
                "apply", "-f", "-")).contains("The ValidatingWebhookConfiguration \"e2e-adreg-bad\" is invalid: "
                + "webhooks[0].sideEffects: Unsupported value: \"Some\": supported values: \"None\", \"NoneOnDryRun\"");

        assertThat(ok(null, "delete", "validatingwebhookconfiguration", "e2e-adreg-hook"))
                .contains("validatingwebhookconfiguration.admissionregistration.k8s.io \"e2e-adreg-hook\" deleted");
        assertThat(refused(null, "get", "validatingwebhookconfiguration", "e2e-adreg-hook"))
                .contains("validatingwebhookconfigurations.admissionregistration.k8s.io \"e2e-adreg-hook\" not found");
    }

    @Test
    void aPolicyAndItsBindingAreAppliedListedChangedAndDeleted() {
        String applied = ok(POLICY, "apply", "-f", "-");
        assertThat(applied).contains("validatingadmissionpolicy.admissionregistration.k8s.io/e2e-adreg-replicas created")
                .contains("validatingadmissionpolicybinding.admissionregistration.k8s.io/e2e-adreg-replicas created");
        assertThat(ok(null, "get", "validatingadmissionpolicies", "e2e-adreg-replicas"))
                .containsPattern("NAME\\s+VALIDATIONS\\s+PARAMKIND\\s+AGE")
                .containsPattern("e2e-adreg-replicas\\s+1\\s+v1/ConfigMap\\s");
        assertThat(ok(null, "get", "validatingadmissionpolicybindings", "e2e-adreg-replicas"))
                .containsPattern("NAME\\s+POLICYNAME\\s+PARAMREF\\s+AGE")
                .containsPattern("e2e-adreg-replicas\\s+e2e-adreg-replicas\\s+default/replica-limit\\s");
        assertThat(ok(null, "describe", "validatingadmissionpolicybinding", "e2e-adreg-replicas"))
                .containsPattern("Parameter Not Found Action:\\s+Allow").containsPattern("Match Policy:\\s+Equivalent");

        assertThat(refused(POLICY.replace(" <= int(params.data.max)", ""), "apply", "-f", "-")).contains(
                "The ValidatingAdmissionPolicy \"e2e-adreg-replicas\" is invalid: spec.validations[0].expression: "
                        + "Invalid value: \"object.spec.replicas\": must evaluate to bool but got dyn");
        ok(null, "patch", "validatingadmissionpolicy", "e2e-adreg-replicas", "--subresource=status", "--type=merge",
                "-p", "{\"status\":{\"observedGeneration\":1}}");
        JsonNode changed = json(ok(null, "patch", "validatingadmissionpolicy", "e2e-adreg-replicas", "--type=json", "-p",
                "[{\"op\":\"replace\",\"path\":\"/spec/validations/0/expression\",\"value\":\"object.spec.replicas < 9\"}]",
                "-o", "json"));
        assertThat(changed.path("metadata").path("generation").asLong()).as("a spec change").isEqualTo(2);
        assertThat(changed.path("status").path("observedGeneration").asLong()).isEqualTo(1);

        assertThat(ok(POLICY, "delete", "-f", "-"))
                .contains("validatingadmissionpolicy.admissionregistration.k8s.io \"e2e-adreg-replicas\" deleted")
                .contains("validatingadmissionpolicybinding.admissionregistration.k8s.io \"e2e-adreg-replicas\" deleted");
    }
}
