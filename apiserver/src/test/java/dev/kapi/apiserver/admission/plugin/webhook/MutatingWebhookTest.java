package dev.kapi.apiserver.admission.plugin.webhook;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.plugin.webhook.WebhookFixtures.Recorded;
import dev.kapi.apiserver.admission.plugin.webhook.WebhookFixtures.Source;
import dev.kapi.apiserver.admission.plugin.webhook.mutating.MutatingWebhookPlugin;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.testing.AdmissionWebhookServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.kapi.apiserver.admission.plugin.webhook.WebhookFixtures.create;
import static dev.kapi.apiserver.admission.plugin.webhook.WebhookFixtures.labels;
import static dev.kapi.apiserver.admission.plugin.webhook.WebhookFixtures.mutating;
import static dev.kapi.apiserver.admission.plugin.webhook.WebhookFixtures.mutatingHook;
import static dev.kapi.apiserver.admission.plugin.webhook.WebhookFixtures.pod;
import static dev.kapi.apiserver.testing.AdmissionWebhookServer.allow;
import static dev.kapi.apiserver.testing.AdmissionWebhookServer.answer;
import static dev.kapi.apiserver.testing.AdmissionWebhookServer.patch;
import static dev.kapi.apiserver.testing.AdmissionWebhookServer.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The MutatingAdmissionWebhook plugin against a real HTTPS webhook in this JVM. */
class MutatingWebhookTest {

    static AdmissionWebhookServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new AdmissionWebhookServer();
        server.on("/add-label", r -> patch(r, "[{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":{\"added\":\"yes\"}}]"))
                .on("/allow", AdmissionWebhookServer::allow)
                .on("/deny", r -> answer(r, "{\"allowed\":false,\"status\":{\"code\":403,\"reason\":\"Forbidden\","
                        + "\"message\":\"pods need an owner\"}}"))
                .on("/deny-bare", r -> answer(r, "{\"allowed\":false}"))
                .on("/garbage", r -> text(200, "this is not json"))
                .on("/wrong-uid", r -> {
                    ((ObjectNode) r.get("request")).put("uid", "not-" + r.path("request").path("uid").asString());
                    return allow(r);
                })
                .on("/boom", r -> text(500, "boom"))
                .on("/slow", server.hang())
                .on("/cpu", r -> patch(r, "[{\"op\":\"add\",\"path\":\"/spec/containers/0/resources\","
                        + "\"value\":{\"requests\":{\"cpu\":\"0.5\",\"memory\":\"2048Mi\"}}}]"))
                .on("/break", r -> patch(r, "[{\"op\":\"replace\",\"path\":\"/spec/containers\",\"value\":\"oops\"}]"))
                .on("/rename", r -> patch(r, "[{\"op\":\"replace\",\"path\":\"/metadata/name\",\"value\":\"other\"}]"))
                .on("/retype", r -> patch(r, "[{\"op\":\"replace\",\"path\":\"/kind\",\"value\":\"ConfigMap\"}]"))
                .on("/move", r -> patch(r, "[{\"op\":\"replace\",\"path\":\"/metadata/namespace\",\"value\":\"dev\"}]"))
                .on("/missing-path", r -> patch(r, "[{\"op\":\"remove\",\"path\":\"/metadata/annotations/nope\"}]"))
                .on("/undecodable", r -> patch(r, "[{"))
                .on("/warn", r -> answer(r, "{\"allowed\":true,\"warnings\":[\"careful\",\"twice careful\"],"
                        + "\"auditAnnotations\":{\"decision\":\"ok\",\"bad key!\":\"x\"}}"))
                .on("/v1beta1", r -> {
                    ObjectNode out = (ObjectNode) tools.jackson.databind.json.JsonMapper.builder().build().createObjectNode();
                    out.put("apiVersion", "admission.k8s.io/v1beta1").put("kind", "AdmissionReview");
                    out.putObject("response").put("uid", "any").put("allowed", true)
                            .put("patch", java.util.Base64.getEncoder().encodeToString(
                                    "[{\"op\":\"add\",\"path\":\"/metadata/labels/beta\",\"value\":\"1\"}]".getBytes()));
                    return AdmissionWebhookServer.json(200, out);
                })
                // adds a=1 when absent; and counts its calls
                .on("/first", r -> r.path("request").path("object").path("metadata").path("labels").has("a")
                        ? allow(r) : patch(r, "[{\"op\":\"add\",\"path\":\"/metadata/labels/a\",\"value\":\"1\"}]"))
                .on("/second", r -> r.path("request").path("object").path("metadata").path("labels").has("b")
                        ? allow(r) : patch(r, "[{\"op\":\"add\",\"path\":\"/metadata/labels/b\",\"value\":\"2\"}]"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static MutatingWebhook hook(String name, String path) {
        return mutatingHook(name, server.url(path), server.caBundle()).build();
    }

    private static MutatingWebhookPlugin plugin(MutatingWebhook... hooks) {
        Source source = new Source();
        source.mutating = List.of(mutating("config", hooks));
        return new MutatingWebhookPlugin(WebhookFixtures.webhooks(source));
    }

    /** Each call told as kube's mutating dispatcher tells it to apiserver_admission_webhook_* (type "admit"). */
    @Test
    void eachCallsOutcomeIsCountedAsKubeCountsIt() {
        WebhookFixtures.Told metrics = new WebhookFixtures.Told();
        List<String> told = metrics.lines;
        MutatingWebhook boom = hook("boom.example.com", "/boom");
        boom.setFailurePolicy("Ignore");
        Source source = new Source();
        source.mutating = List.of(mutating("config", hook("label.example.com", "/add-label"), boom,
                hook("deny.example.com", "/deny")));
        MutatingWebhookPlugin plugin = new MutatingWebhookPlugin(WebhookFixtures.webhooks(source, metrics));
        assertThatThrownBy(() -> plugin.admit(create(pod("p"), "ns", false, null))).isInstanceOf(StatusError.class);
        assertThat(told).containsExactly(
                "called label.example.com admit CREATE rejected=false code=200",
                "called boom.example.com admit CREATE rejected=false code=500",
                "failed open boom.example.com admit",
                "rejected deny.example.com no_error code=403",
                "called deny.example.com admit CREATE rejected=true code=403");
    }

    private static HasMetadata admit(MutatingWebhookPlugin plugin, AdmissionAttributes a) {
        return plugin.admit(a);
    }

    @Test
    void aJsonPatchChangesTheObjectAndTheReviewCarriesTheRequest() {
        Recorded recorded = new Recorded();
        Pod pod = pod("p", "app", "web");
        HasMetadata out = admit(plugin(hook("label.example.com", "/add-label")), create(pod, "ns", false, recorded));
        assertThat(labels(out)).containsExactly(Map.entry("added", "yes"));
        assertThat(labels(pod)).containsExactly(Map.entry("app", "web")); // the given object is left alone
        assertThat(out).isInstanceOf(Pod.class);
        ObjectNode review = server.reviews("/add-label").getLast();
        assertThat(review.path("query").asString()).isEqualTo("timeout=2s");
        assertThat(review.path("apiVersion").asString()).isEqualTo("admission.k8s.io/v1");
        assertThat(review.path("kind").asString()).isEqualTo("AdmissionReview");
        ObjectNode request = (ObjectNode) review.path("request");
        assertThat(request.path("uid").asString()).hasSize(36);
        assertThat(request.path("kind")).isEqualTo(Json.object("{\"group\":\"\",\"kind\":\"Pod\",\"version\":\"v1\"}"
                .getBytes()));
        assertThat(request.path("resource")).isEqualTo(Json.object(
                "{\"group\":\"\",\"resource\":\"pods\",\"version\":\"v1\"}".getBytes()));
        assertThat(request.path("requestKind")).isEqualTo(request.path("kind"));
        assertThat(request.path("requestResource")).isEqualTo(request.path("resource"));
        assertThat(request.has("subResource")).isFalse();
        assertThat(request.path("name").asString()).isEqualTo("p");
        assertThat(request.path("namespace").asString()).isEqualTo("ns");
        assertThat(request.path("operation").asString()).isEqualTo("CREATE");
        assertThat(request.path("userInfo")).isEqualTo(Json.object(("{\"extra\":{\"scopes\":[\"a\",\"b\"]},"
                + "\"groups\":[\"devs\",\"system:authenticated\"],\"uid\":\"u-1\",\"username\":\"alice\"}").getBytes()));
        assertThat(request.path("object").path("metadata").path("labels").toString()).isEqualTo("{\"app\":\"web\"}");
        assertThat(request.path("object").path("spec").path("containers").get(0).path("image").asString())
                .isEqualTo("nginx");
        assertThat(request.get("oldObject").isNull()).isTrue();
        assertThat(request.path("dryRun").asBoolean(true)).isFalse();
        assertThat(request.path("options").path("apiVersion").asString()).isEqualTo("meta.k8s.io/v1");
        assertThat(request.path("options").path("kind").asString()).isEqualTo("CreateOptions");
        assertThat(recorded.annotations).containsEntry("mutation.webhook.admission.k8s.io/round_0_index_0",
                "{\"configuration\":\"config\",\"webhook\":\"label.example.com\",\"mutated\":true}");
    }

    @Test
    void quantitiesAWebhookWritesComeBackInKubesCanonicalForm() {
        // kube decodes the patched object into its Go type: 0.5 is 500m, 2048Mi is 2Gi
        HasMetadata out = admit(plugin(hook("cpu.example.com", "/cpu")), create(pod("p", "app", "web"), "ns", false,
                new Recorded()));
        Map<String, Quantity> requests = ((Pod) out).getSpec().getContainers().get(0).getResources().getRequests();
        assertThat(requests.get("cpu").toString()).isEqualTo("500m"); // Quantity.equals compares amounts only
        assertThat(requests.get("memory").toString()).isEqualTo("2Gi");
    }

    @Test
    void configurationsRunByNameWebhooksInTheirOrderEachOnThePreviousResult() {
        for (String step : List.of("a1", "a2", "z")) {
            server.on("/order-" + step, r -> patch(r, "[{\"op\":\"add\",\"path\":\"/metadata/labels/order\","
                    + "\"value\":\"" + step + "\"}]"));
        }
        Source source = new Source();
        source.mutating = List.of(mutating("z", hook("z.example.com", "/order-z")),
                mutating("a", hook("a1.example.com", "/order-a1"), hook("a2.example.com", "/order-a2")));
        HasMetadata out = new MutatingWebhookPlugin(WebhookFixtures.webhooks(source))
                .admit(create(pod("p", "order", "none"), "ns", false, null));
        assertThat(labels(out)).containsEntry("order", "z");
        assertThat(server.reviews("/order-a2").getLast().path("request").path("object").path("metadata")
                .path("labels").path("order").asString()).isEqualTo("a1");
        assertThat(server.reviews("/order-z").getLast().path("request").path("object").path("metadata")
                .path("labels").path("order").asString()).isEqualTo("a2");
    }

    @Test
    void aDenialIsKubesMessageWithTheWebhooksCodeAndReason() {
        assertThatThrownBy(() -> admit(plugin(hook("owner.example.com", "/deny")), create(pod("p"), "ns", false, null)))
                .isInstanceOfSatisfying(StatusError.class, e -> {
                    assertThat(e.code()).isEqualTo(403);
                    assertThat(e.reason()).isEqualTo("Forbidden");
                    assertThat(e.getMessage()).isEqualTo(
                            "admission webhook \"owner.example.com\" denied the request: pods need an owner");
                    assertThat(e.status().getStatus()).isEqualTo("Failure");
                    assertThat(e.status().getKind()).isEqualTo("Status");
                });
        // no code: kube's ToStatusErr makes it a 400
        assertThatThrownBy(() -> admit(plugin(hook("bare.example.com", "/deny-bare")), create(pod("p"), "ns", false, null)))
                .isInstanceOfSatisfying(StatusError.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.getMessage())
                            .isEqualTo("admission webhook \"bare.example.com\" denied the request without explanation");
                });
    }

    @Test
    void aTimeoutFailsTheRequestUnderFailAndPassesUnderIgnore() {
        MutatingWebhook slow = mutatingHook("slow.example.com", server.url("/slow"), server.caBundle())
                .withTimeoutSeconds(1).build();
        long start = System.nanoTime();
        assertThatThrownBy(() -> admit(plugin(slow), create(pod("p"), "ns", false, null)))
                .isInstanceOfSatisfying(StatusError.class, e -> {
                    assertThat(e.code()).isEqualTo(500);
                    assertThat(e.reason()).isEqualTo("InternalError");
                    assertThat(e.getMessage()).isEqualTo("Internal error occurred: failed calling webhook "
                            + "\"slow.example.com\": failed to call webhook: Post \"" + server.url("/slow?timeout=1s")
                            + "\": context deadline exceeded");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(3));

        slow.setFailurePolicy("Ignore");
        Recorded recorded = new Recorded();
        Pod pod = pod("p");
        assertThat(admit(plugin(slow, hook("label.example.com", "/add-label")), create(pod, "ns", false, recorded)))
                .satisfies(out -> assertThat(labels(out)).containsEntry("added", "yes"));
        assertThat(recorded.annotations)
                .containsEntry("failed-open.mutation.webhook.admission.k8s.io/round_0_index_0", "slow.example.com");
    }

    @Test
    void answersKubeDoesNotAcceptAreFailuresToCallTheWebhook() {
        assertThat(failure("/garbage")).isEqualTo("failed to call webhook: couldn't get version/kind; "
                + "json parse error: Unrecognized token 'this': was expecting (JSON String, Number, Array, Object "
                + "or token 'null', 'true' or 'false')");
        assertThat(failure("/wrong-uid")).matches("received invalid webhook response: expected response\\.uid="
                + "\"([-0-9a-f]{36})\", got \"not-\\1\"");
        assertThat(failure("/boom")).isEqualTo("failed to call webhook: an error on the server (\"boom\") has "
                + "prevented the request from succeeding");
        assertThat(failure("/no-such-path")).isEqualTo("failed to call webhook: the server could not find the "
                + "requested resource");
        assertThat(failure("/undecodable")).startsWith("received undecodable patch in webhook response: ");
        // the same failures under Ignore let the request through unchanged
        for (String path : List.of("/garbage", "/wrong-uid", "/boom", "/undecodable")) {
            MutatingWebhook ignored = mutatingHook("w.example.com", server.url(path), server.caBundle())
                    .withFailurePolicy("Ignore").build();
            Pod pod = pod("p");
            assertThat(admit(plugin(ignored), create(pod, "ns", false, null))).isSameAs(pod);
        }
    }

    /** The reason after {@code failed calling webhook "w.example.com": } of a call to {@code path}. */
    private static String failure(String path) {
        try {
            admit(plugin(hook("w.example.com", path)), create(pod("p"), "ns", false, null));
        } catch (StatusError e) {
            assertThat(e.code()).isEqualTo(500);
            String prefix = "Internal error occurred: failed calling webhook \"w.example.com\": ";
            assertThat(e.getMessage()).startsWith(prefix);
            return e.getMessage().substring(prefix.length());
        }
        throw new AssertionError("no failure for " + path);
    }

    @Test
    void aPatchThatBreaksTheObjectOrChangesWhatItIsFailsWhateverTheFailurePolicy() {
        assertThat(patchFailure("/break")).startsWith("Internal error occurred: admission webhook \"p.example.com\" "
                + "returned a patch whose result does not decode as a Pod: ");
        assertThat(patchFailure("/rename")).isEqualTo("Internal error occurred: admission webhook \"p.example.com\" "
                + "attempted to change metadata.name from \"p\" to \"other\", which is not supported");
        assertThat(patchFailure("/retype")).isEqualTo("Internal error occurred: admission webhook \"p.example.com\" "
                + "attempted to change kind from \"Pod\" to \"ConfigMap\", which is not supported");
        assertThat(patchFailure("/move")).isEqualTo("Internal error occurred: admission webhook \"p.example.com\" "
                + "attempted to change metadata.namespace from \"ns\" to \"dev\", which is not supported");
        assertThat(patchFailure("/missing-path")).startsWith("Internal error occurred: admission webhook "
                + "\"p.example.com\" returned a patch that does not apply: ");
    }

    private static String patchFailure(String path) {
        MutatingWebhook w = mutatingHook("p.example.com", server.url(path), server.caBundle())
                .withFailurePolicy("Ignore").build();
        try {
            admit(plugin(w), create(pod("p"), "ns", false, null));
        } catch (StatusError e) {
            assertThat(e.code()).isEqualTo(500);
            return e.getMessage();
        }
        throw new AssertionError("no failure for " + path);
    }

    @Test
    void aPatchOnADeleteIsRefused() {
        assertThatThrownBy(() -> admit(plugin(hook("label.example.com", "/add-label")),
                WebhookFixtures.delete(pod("p"), null)))
                .hasMessage("Internal error occurred: admission webhook \"label.example.com\" attempted to modify "
                        + "the object, which is not supported for this operation");
        assertThat(server.reviews("/add-label").getLast().path("request").path("oldObject").path("metadata")
                .path("name").asString()).isEqualTo("p");
    }

    @Test
    void aDryRunOnlyReachesWebhooksWithoutSideEffects() {
        MutatingWebhook unknown = mutatingHook("effects.example.com", server.url("/allow"), server.caBundle())
                .withSideEffects("Unknown").withFailurePolicy("Ignore").build();
        int before = server.calls("/allow");
        assertThatThrownBy(() -> admit(plugin(unknown), create(pod("p"), "ns", true, null)))
                .isInstanceOfSatisfying(StatusError.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo("admission webhook \"effects.example.com\" does not support dry run");
                });
        assertThat(server.calls("/allow")).isEqualTo(before);
        // without the dry run it is called; NoneOnDryRun webhooks are called in a dry run, told so
        admit(plugin(unknown), create(pod("p"), "ns", false, null));
        assertThat(server.calls("/allow")).isEqualTo(before + 1);
        MutatingWebhook safe = mutatingHook("safe.example.com", server.url("/allow"), server.caBundle())
                .withSideEffects("NoneOnDryRun").build();
        admit(plugin(safe), create(pod("p"), "ns", true, null));
        assertThat(server.reviews("/allow").getLast().path("request").path("dryRun").asBoolean()).isTrue();
    }

    @Test
    void ifNeededWebhooksAreCalledOnceMoreWhenALaterOneChangedTheObject() {
        MutatingWebhook first = mutatingHook("first.example.com", server.url("/first"), server.caBundle())
                .withReinvocationPolicy("IfNeeded").build();
        MutatingWebhook second = hook("second.example.com", "/second");
        int firstCalls = server.calls("/first");
        int secondCalls = server.calls("/second");
        Recorded recorded = new Recorded();
        HasMetadata out = admit(plugin(first, second), create(pod("p", "x", "y"), "ns", false, recorded));
        assertThat(labels(out)).containsOnlyKeys("x", "a", "b");
        assertThat(server.calls("/first") - firstCalls).isEqualTo(2);
        assertThat(server.calls("/second") - secondCalls).isEqualTo(1);
        // the second call saw the second webhook's change
        assertThat(server.reviews("/first").getLast().path("request").path("object").path("metadata")
                .path("labels").has("b")).isTrue();
        assertThat(recorded.annotations).containsKeys("mutation.webhook.admission.k8s.io/round_1_index_0");

        // with Never, no second round
        first.setReinvocationPolicy("Never");
        firstCalls = server.calls("/first");
        admit(plugin(first, second), create(pod("p", "x", "y"), "ns", false, null));
        assertThat(server.calls("/first") - firstCalls).isEqualTo(1);
        // an IfNeeded webhook after the change is not called again
        first.setReinvocationPolicy("IfNeeded");
        firstCalls = server.calls("/first");
        admit(plugin(second, first), create(pod("p", "x", "y"), "ns", false, null));
        assertThat(server.calls("/first") - firstCalls).isEqualTo(1);
    }

    @Test
    void selectorsAndRulesAreDecidedBeforeAnyCall() {
        // nothing listens on port 1: a call would fail the request
        MutatingWebhook prodOnly = mutatingHook("dead.example.com", "https://127.0.0.1:1/x", null)
                .withNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels("env", "prod").build()).build();
        Pod pod = pod("p");
        assertThat(admit(plugin(prodOnly), create(pod, "dev", false, null))).isSameAs(pod);
        MutatingWebhook labelled = mutatingHook("dead.example.com", "https://127.0.0.1:1/x", null)
                .withObjectSelector(new LabelSelectorBuilder().addToMatchLabels("inject", "true").build()).build();
        assertThat(admit(plugin(labelled), create(pod, "ns", false, null))).isSameAs(pod);
        MutatingWebhook updatesOnly = mutatingHook("dead.example.com", "https://127.0.0.1:1/x", null).build();
        updatesOnly.getRules().getFirst().setOperations(List.of("UPDATE"));
        assertThat(admit(plugin(updatesOnly), create(pod, "ns", false, null))).isSameAs(pod);
        // matching ones are called
        assertThatThrownBy(() -> admit(plugin(prodOnly), create(pod, "ns", false, null)))
                .hasMessageEndingWith("connect: connection refused");
        // a namespace that does not exist fails only webhooks whose rules match
        assertThat(admit(plugin(updatesOnly), create(pod, "gone", false, null))).isSameAs(pod);
        assertThatThrownBy(() -> admit(plugin(prodOnly), create(pod, "gone", false, null)))
                .hasMessage("namespaces \"gone\" not found");
    }

    @Test
    void warningsAndAuditAnnotationsGoToTheRecorder() {
        Recorded recorded = new Recorded();
        admit(plugin(hook("warn.example.com", "/warn")), create(pod("p"), "ns", false, recorded));
        assertThat(recorded.warnings).containsExactly("careful", "twice careful");
        assertThat(recorded.annotations).containsEntry("warn.example.com/decision", "ok")
                .doesNotContainKey("warn.example.com/bad key!");
    }

    @Test
    void v1beta1ReviewsWhenTheWebhookListsOnlyThat() {
        MutatingWebhook beta = mutatingHook("beta.example.com", server.url("/v1beta1"), server.caBundle())
                .withAdmissionReviewVersions("v1beta1").build();
        HasMetadata out = admit(plugin(beta), create(pod("p", "app", "web"), "ns", false, null));
        assertThat(labels(out)).containsEntry("beta", "1"); // uid and patchType are not checked in v1beta1
        assertThat(server.reviews("/v1beta1").getLast().path("apiVersion").asString())
                .isEqualTo("admission.k8s.io/v1beta1");
        MutatingWebhook none = mutatingHook("none.example.com", server.url("/allow"), server.caBundle())
                .withAdmissionReviewVersions("v2").build();
        assertThatThrownBy(() -> admit(plugin(none), create(pod("p"), "ns", false, null)))
                .hasMessage("Internal error occurred: failed calling webhook \"none.example.com\": could not create "
                        + "admission objects: webhook does not accept known AdmissionReview versions (v1, v1beta1)");
    }

    @Test
    void aCaBundleThatIsNotPemIsAClientError() {
        MutatingWebhook bad = mutatingHook("ca.example.com", server.url("/allow"), "bm90IGEgY2VydA==").build();
        assertThatThrownBy(() -> admit(plugin(bad), create(pod("p"), "ns", false, null)))
                .hasMessage("Internal error occurred: failed calling webhook \"ca.example.com\": could not get REST "
                        + "client: unable to load root certificates: unable to parse bytes as PEM block");
        MutatingWebhook untrusted = mutatingHook("ca.example.com", server.url("/allow"), null).build();
        assertThatThrownBy(() -> admit(plugin(untrusted), create(pod("p"), "ns", false, null)))
                .hasMessageEndingWith("tls: failed to verify certificate: x509: certificate signed by unknown authority");
    }

    @Test
    void matchConditionsAreCelOverTheRequest() {
        MutatingWebhook matching = mutatingHook("cond.example.com", server.url("/add-label"), server.caBundle())
                .addNewMatchCondition().withName("named-p").withExpression("object.metadata.name == 'p'")
                .endMatchCondition()
                .addNewMatchCondition().withName("create").withExpression("request.operation == 'CREATE'")
                .endMatchCondition().build();
        Pod called = (Pod) admit(plugin(matching), create(pod("p"), "ns", false, null));
        assertThat(called.getMetadata().getLabels()).containsEntry("added", "yes");
        Pod other = pod("q");
        assertThat(admit(plugin(matching), create(other, "ns", false, null))).isSameAs(other);

        MutatingWebhook broken = mutatingHook("cond.example.com", server.url("/add-label"), server.caBundle())
                .addNewMatchCondition().withName("c").withExpression("object.spec.nope == 'x'").endMatchCondition()
                .build();
        assertThatThrownBy(() -> admit(plugin(broken), create(pod("p"), "ns", false, null)))
                .isInstanceOfSatisfying(StatusError.class, e -> {
                    assertThat(e.code()).isEqualTo(403);
                    assertThat(e.getMessage()).startsWith("pods \"p\" is forbidden: expression 'object.spec.nope"
                            + " == 'x'' resulted in error: no such key: nope");
                });
        broken.setFailurePolicy("Ignore");
        Pod pod = pod("p");
        assertThat(admit(plugin(broken), create(pod, "ns", false, null))).isSameAs(pod);
    }

    @Test
    void aWebhookForAnotherVersionGetsTheObjectInItsVersionAndItsChangeComesBack() {
        var v1 = new dev.kapi.apiserver.api.GroupVersionResource("example.com", "v1", "widgets");
        var v2 = new dev.kapi.apiserver.api.GroupVersionResource("example.com", "v2", "widgets");
        var equivalents = new dev.kapi.apiserver.admission.plugin.matching.EquivalentResources() {
            @Override
            public List<dev.kapi.apiserver.api.GroupVersionResource> equivalents(
                    dev.kapi.apiserver.api.GroupVersionResource resource, String subresource) {
                return List.of(v1, v2);
            }

            @Override
            public dev.kapi.apiserver.api.GroupVersionKind kindFor(dev.kapi.apiserver.api.GroupVersionResource r,
                                                                    String subresource) {
                return new dev.kapi.apiserver.api.GroupVersionKind("example.com", r.version(), "Widget");
            }
        };
        dev.kapi.apiserver.admission.plugin.webhook.generic.ObjectVersions versions = (obj, to) -> {
            var copy = Json.convert(Json.tree(obj), io.fabric8.kubernetes.api.model.GenericKubernetesResource.class);
            copy.setApiVersion(to.group() + "/" + to.version());
            return copy;
        };
        MutatingWebhook v2Only = hook("v2.example.com", "/add-label");
        v2Only.getRules().getFirst().setApiGroups(List.of("example.com"));
        v2Only.getRules().getFirst().setApiVersions(List.of("v2"));
        v2Only.getRules().getFirst().setResources(List.of("widgets"));
        Source source = new Source();
        source.mutating = List.of(mutating("config", v2Only));
        var widget = Json.convert(Json.object(("{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\","
                + "\"metadata\":{\"name\":\"w\",\"namespace\":\"ns\"},\"spec\":{\"size\":1}}").getBytes()),
                io.fabric8.kubernetes.api.model.GenericKubernetesResource.class);
        var kind = new dev.kapi.apiserver.api.GroupVersionKind("example.com", "v1", "Widget");
        AdmissionAttributes a = new AdmissionAttributes(AdmissionAttributes.Operation.CREATE, kind, kind, v1, "",
                "ns", "w", widget, null, null, WebhookFixtures.ALICE, false, null);
        HasMetadata out = new MutatingWebhookPlugin(WebhookFixtures.webhooks(source, equivalents, versions)).admit(a);
        assertThat(out.getApiVersion()).isEqualTo("example.com/v1");
        assertThat(labels(out)).containsEntry("added", "yes");
        ObjectNode request = (ObjectNode) server.reviews("/add-label").getLast().path("request");
        assertThat(request.path("kind").path("version").asString()).isEqualTo("v2");
        assertThat(request.path("resource").path("version").asString()).isEqualTo("v2");
        assertThat(request.path("requestKind").path("version").asString()).isEqualTo("v1");
        assertThat(request.path("requestResource").path("version").asString()).isEqualTo("v1");
        assertThat(request.path("object").path("apiVersion").asString()).isEqualTo("example.com/v2");
        // matchPolicy Exact: the v1 request does not match a v2 rule
        v2Only.setMatchPolicy("Exact");
        source.mutating = List.of(mutating("config", v2Only));
        assertThat(new MutatingWebhookPlugin(WebhookFixtures.webhooks(source, equivalents, versions)).admit(a))
                .isSameAs(widget);
    }

    @Test
    void webhookConfigurationsThemselvesAreNeverSentToWebhooks() {
        MutatingWebhook all = mutatingHook("all.example.com", "https://127.0.0.1:1/x", null).build();
        all.getRules().getFirst().setApiGroups(List.of("*"));
        all.getRules().getFirst().setResources(List.of("*"));
        var kind = new dev.kapi.apiserver.api.GroupVersionKind("admissionregistration.k8s.io", "v1",
                "ValidatingWebhookConfiguration");
        var config = WebhookFixtures.validating("v");
        AdmissionAttributes a = new AdmissionAttributes(AdmissionAttributes.Operation.CREATE, kind, kind,
                new dev.kapi.apiserver.api.GroupVersionResource("admissionregistration.k8s.io", "v1",
                        "validatingwebhookconfigurations"), "", "", "v", config, null, null,
                WebhookFixtures.ALICE, false, null);
        assertThat(admit(plugin(all), a)).isSameAs(config);
    }
}
