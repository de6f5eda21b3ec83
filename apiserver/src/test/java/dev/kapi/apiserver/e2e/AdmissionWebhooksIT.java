package dev.kapi.apiserver.e2e;

import static dev.kapi.apiserver.testing.AdmissionWebhookServer.allow;
import static dev.kapi.apiserver.testing.AdmissionWebhookServer.answer;
import static dev.kapi.apiserver.testing.AdmissionWebhookServer.patch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.e2e.Kubectl.Result;
import dev.kapi.apiserver.testing.AdmissionWebhookServer;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Admission webhooks with kubectl against the jar: a ValidatingWebhookConfiguration and a
 * MutatingWebhookConfiguration pointing to an HTTPS webhook in this JVM. Both select only this test's namespace
 * (by a label no other namespace has), so other tests on the shared server never reach the webhook; the
 * configurations and the namespace are deleted at the end.
 */
@ExtendWith(KapiServerExtension.class)
class AdmissionWebhooksIT {

    private static final Kubectl KUBECTL = Kubectl.named("kubectl");
    private static final String NS = "e2e-webhooks";

    static AdmissionWebhookServer webhook;

    @BeforeAll
    static void start() throws Exception {
        webhook = new AdmissionWebhookServer();
        webhook.on("/validate", r -> r.path("request").path("object").path("metadata").path("labels").has("forbidden")
                        ? answer(r, "{\"allowed\":false,\"status\":{\"code\":403,\"reason\":\"Forbidden\","
                        + "\"message\":\"pods labelled forbidden are not allowed\"}}")
                        : allow(r))
                .on("/mutate", r -> patch(r, "[{\"op\":\"add\",\"path\":\"/metadata/labels/injected\",\"value\":\"yes\"}]"))
                .on("/rename", r -> patch(r, "[{\"op\":\"replace\",\"path\":\"/metadata/name\",\"value\":\"renamed\"}]"));
        ok(null, "create", "namespace", NS);
        ok(null, "label", "namespace", NS, "kapi.dev/e2e-webhooks=on");
    }

    @AfterAll
    static void stop() {
        KUBECTL.run("delete", "validatingwebhookconfiguration", "e2e-webhooks-validate", "--ignore-not-found");
        KUBECTL.run("delete", "mutatingwebhookconfiguration", "e2e-webhooks-mutate", "--ignore-not-found");
        KUBECTL.run("delete", "namespace", NS, "--wait=false");
        webhook.close();
    }

    private static Result ok(String stdin, String... args) {
        Result r = stdin == null ? KUBECTL.run(args) : KUBECTL.runWithInput(stdin, args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    /** Runs kubectl until {@code done} accepts its result (a new configuration takes effect within a second). */
    private static Result until(Predicate<Result> done, String stdin, String... args) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            Result r = KUBECTL.runWithInput(stdin, args);
            if (done.test(r) || System.nanoTime() > deadline) {
                return r;
            }
            Thread.sleep(200);
        }
    }

    private static String configuration(String kind, String name, String hooks) {
        return "apiVersion: admissionregistration.k8s.io/v1\nkind: " + kind + "\nmetadata:\n  name: " + name
                + "\nwebhooks:\n" + hooks;
    }

    private static String hook(String name, String path, String extra) {
        return "- name: " + name + "\n"
                + "  clientConfig:\n    url: " + webhook.url(path) + "\n    caBundle: " + webhook.caBundle() + "\n"
                + "  rules:\n  - operations: [CREATE]\n    apiGroups: ['']\n    apiVersions: [v1]\n    resources: [pods]\n"
                + "  namespaceSelector:\n    matchLabels: {kapi.dev/e2e-webhooks: 'on'}\n"
                + "  sideEffects: None\n  admissionReviewVersions: [v1]\n  timeoutSeconds: 5\n" + extra;
    }

    private static String pod(String name, String labels) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + NS
                + "\",\"labels\":" + labels + "},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}";
    }

    @Test
    void aValidatingWebhookDeniesAndAMutatingWebhookLabels() throws Exception {
        ok(configuration("ValidatingWebhookConfiguration", "e2e-webhooks-validate",
                hook("deny.e2e.kapi.dev", "/validate", "")), "apply", "-f", "-");
        String bad = pod("bad", "{\"forbidden\":\"yes\"}");
        until(r -> r.exit() != 0, bad, "create", "--dry-run=server", "-f", "-");
        Result denied = KUBECTL.runWithInput(bad, "create", "-f", "-");
        assertThat(denied.exit()).as(denied.toString()).isNotZero();
        assertThat(denied.err().strip()).isEqualTo("Error from server (Forbidden): error when creating \"STDIN\": "
                + "admission webhook \"deny.e2e.kapi.dev\" denied the request: pods labelled forbidden are not allowed");
        assertThat(KUBECTL.run("get", "pod", "bad", "-n", NS).err()).contains("pods \"bad\" not found");

        ok(configuration("MutatingWebhookConfiguration", "e2e-webhooks-mutate",
                hook("label.e2e.kapi.dev", "/mutate", "")
                        + hook("rename.e2e.kapi.dev", "/rename",
                        "  objectSelector:\n    matchLabels: {rename: 'yes'}\n")), "apply", "-f", "-");
        String good = pod("good", "{\"app\":\"web\"}");
        until(r -> r.out().equals("yes"), good, "create", "--dry-run=server", "-f", "-", "-o",
                "jsonpath={.metadata.labels.injected}");
        ok(good, "create", "-f", "-");
        assertThat(ok(null, "get", "pod", "good", "-n", NS, "-o", "jsonpath={.metadata.labels}").out())
                .isEqualTo("{\"app\":\"web\",\"injected\":\"yes\"}");

        // a patch that renames the object is refused, naming the webhook, and nothing is stored
        Result renamed = KUBECTL.runWithInput(pod("keep", "{\"rename\":\"yes\"}"), "create", "-f", "-");
        assertThat(renamed.err().strip()).isEqualTo("Error from server (InternalError): error when creating \"STDIN\": "
                + "Internal error occurred: admission webhook \"rename.e2e.kapi.dev\" attempted to change metadata.name "
                + "from \"keep\" to \"renamed\", which is not supported");
        assertThat(KUBECTL.run("get", "pod", "keep", "-n", NS).err()).contains("pods \"keep\" not found");
        assertThat(KUBECTL.run("get", "pod", "renamed", "-n", NS).err()).contains("pods \"renamed\" not found");
    }
}
