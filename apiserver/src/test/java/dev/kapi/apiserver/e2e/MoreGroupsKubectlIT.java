package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.e2e.Kubectl.Result;
import dev.kapi.apiserver.registry.groups.certificates.TestCsrs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;

/**
 * The groups kube-apiserver 1.32 serves that this server added last, with kubectl against the packaged jar:
 * discovery lists them with kube's short names, a CSR records who asked and is approved or denied with
 * {@code kubectl certificate}, {@code kubectl get cs} shows this server's health with kube's deprecation
 * Warning, a pod is bound to a node through {@code pods/binding}, and the storage and node kinds are stored with
 * kube's defaults and columns. Each test uses names of its own and deletes what it made.
 */
@ExtendWith(KapiServerExtension.class)
class MoreGroupsKubectlIT {

    private static final Kubectl KUBECTL = Kubectl.named("kubectl");

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

    private static String csr(String name, String extra) {
        return """
                apiVersion: certificates.k8s.io/v1
                kind: CertificateSigningRequest
                metadata:
                  name: %s
                spec:
                  request: %s
                  signerName: example.com/e2e-signer
                  usages: ["client auth"]
                  username: someone-else
                %s""".formatted(name, TestCsrs.request(name), extra);
    }

    @Test
    void apiResourcesListsTheNewResources() {
        String resources = ok(null, "api-resources");
        assertThat(resources)
                .containsPattern("(?m)^bindings\\s+v1\\s+true\\s+Binding$")
                .containsPattern("(?m)^componentstatuses\\s+cs\\s+v1\\s+false\\s+ComponentStatus$")
                .containsPattern("(?m)^podtemplates\\s+v1\\s+true\\s+PodTemplate$")
                .containsPattern("(?m)^certificatesigningrequests\\s+csr\\s+certificates.k8s.io/v1\\s+false\\s+CertificateSigningRequest$")
                .containsPattern("(?m)^runtimeclasses\\s+node.k8s.io/v1\\s+false\\s+RuntimeClass$")
                .containsPattern("(?m)^csidrivers\\s+storage.k8s.io/v1\\s+false\\s+CSIDriver$")
                .containsPattern("(?m)^csinodes\\s+storage.k8s.io/v1\\s+false\\s+CSINode$")
                .containsPattern("(?m)^csistoragecapacities\\s+storage.k8s.io/v1\\s+true\\s+CSIStorageCapacity$")
                .containsPattern("(?m)^volumeattachments\\s+storage.k8s.io/v1\\s+false\\s+VolumeAttachment$");
    }

    @Test
    void aCsrRecordsItsRequestorAndIsApprovedOrDeniedWithKubectl() {
        String me = ok(null, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}").trim();
        assertThat(ok(csr("e2e-csr-a", ""), "apply", "-f", "-"))
                .contains("certificatesigningrequest.certificates.k8s.io/e2e-csr-a created");
        ok(csr("e2e-csr-d", ""), "create", "-f", "-");
        try {
            assertThat(ok(null, "get", "csr", "e2e-csr-a", "-o", "jsonpath={.spec.username}")).isEqualTo(me);
            assertThat(ok(null, "get", "csr", "e2e-csr-a"))
                    .containsPattern("NAME\\s+AGE\\s+SIGNERNAME\\s+REQUESTOR\\s+REQUESTEDDURATION\\s+CONDITION")
                    .containsPattern("e2e-csr-a\\s+\\S+\\s+example.com/e2e-signer\\s+" + me + "\\s+<none>\\s+Pending");

            assertThat(ok(null, "certificate", "approve", "e2e-csr-a"))
                    .contains("certificatesigningrequest.certificates.k8s.io/e2e-csr-a approved");
            assertThat(ok(null, "get", "csr", "e2e-csr-a")).containsPattern("e2e-csr-a\\s+.*\\s+Approved\\s*$");
            assertThat(ok(null, "get", "csr", "e2e-csr-a", "-o",
                    "jsonpath={.status.conditions[0].type}/{.status.conditions[0].reason}"))
                    .isEqualTo("Approved/KubectlApprove");
            assertThat(ok(null, "certificate", "deny", "e2e-csr-d"))
                    .contains("certificatesigningrequest.certificates.k8s.io/e2e-csr-d denied");
            assertThat(ok(null, "get", "csr", "e2e-csr-d")).containsPattern("e2e-csr-d\\s+.*\\s+Denied\\s*$");
            assertThat(refused(null, "certificate", "deny", "e2e-csr-a")).contains("is already Approved");
            // kubectl refuses that itself; the server does too, on a PUT of approval adding Denied
            ObjectNode both = (ObjectNode) Json.object(ok(null, "get", "csr", "e2e-csr-a", "-o", "json")
                    .getBytes(StandardCharsets.UTF_8));
            ((ArrayNode) both.path("status").path("conditions")).addObject().put("type", "Denied").put("status", "True");
            assertThat(refused(both.toString(), "replace", "--raw",
                    "/apis/certificates.k8s.io/v1/certificatesigningrequests/e2e-csr-a/approval", "-f", "-"))
                    .contains("Approved and Denied conditions are mutually exclusive");

            // the main resource changes neither spec nor status: the approval stays, the signer too
            ok(null, "patch", "csr", "e2e-csr-a", "--type=merge", "-p",
                    "{\"spec\":{\"signerName\":\"example.com/other\"},\"status\":{\"conditions\":[]}}");
            assertThat(ok(null, "get", "csr", "e2e-csr-a")).containsPattern("example.com/e2e-signer\\s+.*Approved");
            // no signer runs here: an approved request has no certificate until a client writes one
            assertThat(ok(null, "get", "csr", "e2e-csr-a", "-o", "jsonpath={.status.certificate}")).isEmpty();

            assertThat(refused(csr("e2e-csr-bad", "  expirationSeconds: 599"), "create", "-f", "-"))
                    .contains("spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 600 "
                            + "seconds (10 minutes)");
        } finally {
            run(null, "delete", "csr", "e2e-csr-a", "e2e-csr-d", "--ignore-not-found");
        }
    }

    @Test
    void getCsShowsThisServersHealthWithKubesDeprecationWarning() {
        Result r = run(null, "get", "cs");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("Warning: v1 ComponentStatus is deprecated in v1.19+");
        assertThat(r.out()).containsPattern("NAME\\s+STATUS\\s+MESSAGE\\s+ERROR")
                .containsPattern("(?m)^etcd-0\\s+Healthy\\s+ok")
                .containsPattern("(?m)^controller-manager\\s+Healthy\\s+ok")
                .containsPattern("(?m)^scheduler\\s+Healthy\\s+ok");
        assertThat(ok(null, "get", "componentstatus", "etcd-0", "-o", "jsonpath={.conditions[0].status}"))
                .isEqualTo("True");
        assertThat(refused(null, "delete", "cs", "etcd-0")).contains("MethodNotAllowed").doesNotContain("etcd-0 deleted");
    }

    @Test
    void aPodIsBoundToANodeOnceThroughPodsBinding() {
        ok("""
                apiVersion: v1
                kind: Pod
                metadata: {name: e2e-bind-me, namespace: default}
                spec: {containers: [{name: c, image: nginx}]}
                """, "apply", "-f", "-");
        try {
            String binding = """
                    {"apiVersion":"v1","kind":"Binding","metadata":{"name":"e2e-bind-me","annotations":{"why":"e2e"}},
                     "target":{"apiVersion":"v1","kind":"Node","name":"%s"}}""";
            assertThat(refused(binding.formatted(""), "create", "--raw",
                    "/api/v1/namespaces/default/pods/e2e-bind-me/binding", "-f", "-"))
                    .contains("target.name: Required value");
            ok(binding.formatted("node-a"), "create", "--raw",
                    "/api/v1/namespaces/default/pods/e2e-bind-me/binding", "-f", "-");
            assertThat(ok(null, "get", "pod", "e2e-bind-me", "-o",
                    "jsonpath={.spec.nodeName}/{.metadata.annotations.why}/{.status.conditions[?(@.type==\"PodScheduled\")].status}"))
                    .isEqualTo("node-a/e2e/True");
            assertThat(refused(binding.formatted("node-b"), "create", "--raw",
                    "/api/v1/namespaces/default/bindings", "-f", "-"))
                    .contains("Operation cannot be fulfilled on pods/binding \"e2e-bind-me\": pod e2e-bind-me is "
                            + "already assigned to node \"node-a\"");
        } finally {
            run(null, "delete", "pod", "e2e-bind-me", "--ignore-not-found", "--force", "--grace-period=0");
        }
    }

    @Test
    void storageAndNodeKindsAreStoredWithKubesDefaultsAndColumns() {
        ok("""
                apiVersion: node.k8s.io/v1
                kind: RuntimeClass
                metadata: {name: e2e-gvisor}
                handler: runsc
                ---
                apiVersion: storage.k8s.io/v1
                kind: CSIDriver
                metadata: {name: e2e.csi.example.com}
                spec: {}
                ---
                apiVersion: v1
                kind: PodTemplate
                metadata: {name: e2e-template, namespace: default}
                template:
                  metadata: {labels: {app: web}}
                  spec: {containers: [{name: web, image: nginx}]}
                """, "apply", "-f", "-");
        try {
            assertThat(ok(null, "get", "runtimeclass", "e2e-gvisor")).containsPattern("NAME\\s+HANDLER\\s+AGE")
                    .containsPattern("e2e-gvisor\\s+runsc\\s");
            assertThat(ok(null, "get", "csidriver", "e2e.csi.example.com")).containsPattern(
                    "e2e.csi.example.com\\s+true\\s+false\\s+false\\s+<unset>\\s+false\\s+Persistent\\s");
            assertThat(ok(null, "get", "podtemplates", "e2e-template"))
                    .containsPattern("NAME\\s+CONTAINERS\\s+IMAGES\\s+POD LABELS")
                    .containsPattern("e2e-template\\s+web\\s+nginx\\s+app=web");
            assertThat(refused("""
                    apiVersion: node.k8s.io/v1
                    kind: RuntimeClass
                    metadata: {name: e2e-gvisor}
                    handler: kata
                    """, "apply", "-f", "-")).contains("handler: Invalid value: \"kata\": field is immutable");
        } finally {
            run(null, "delete", "runtimeclass", "e2e-gvisor", "--ignore-not-found");
            run(null, "delete", "csidriver", "e2e.csi.example.com", "--ignore-not-found");
            run(null, "delete", "podtemplate", "e2e-template", "--ignore-not-found");
        }
    }
}
