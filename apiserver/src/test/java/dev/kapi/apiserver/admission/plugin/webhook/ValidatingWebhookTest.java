package dev.kapi.apiserver.admission.plugin.webhook;

import dev.kapi.apiserver.admission.plugin.webhook.WebhookFixtures.Recorded;
import dev.kapi.apiserver.admission.plugin.webhook.WebhookFixtures.Source;
import dev.kapi.apiserver.admission.plugin.webhook.errors.CallingWebhook;
import dev.kapi.apiserver.admission.plugin.webhook.generic.WebhookMetrics;
import dev.kapi.apiserver.admission.plugin.webhook.validating.ValidatingWebhookPlugin;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.testing.AdmissionWebhookServer;
import dev.kapi.apiserver.webhook.ServiceUrls;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.kapi.apiserver.admission.plugin.webhook.WebhookFixtures.create;
import static dev.kapi.apiserver.admission.plugin.webhook.WebhookFixtures.pod;
import static dev.kapi.apiserver.admission.plugin.webhook.WebhookFixtures.validating;
import static dev.kapi.apiserver.admission.plugin.webhook.WebhookFixtures.validatingHook;
import static dev.kapi.apiserver.testing.AdmissionWebhookServer.allow;
import static dev.kapi.apiserver.testing.AdmissionWebhookServer.answer;
import static dev.kapi.apiserver.testing.AdmissionWebhookServer.patch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ValidatingAdmissionWebhook plugin against a real HTTPS webhook in this JVM. */
class ValidatingWebhookTest {

    static AdmissionWebhookServer server;
    /** Both "/meet" calls must be in flight at once for either to answer. */
    static volatile CountDownLatch meeting = new CountDownLatch(2);

    @BeforeAll
    static void start() throws Exception {
        server = new AdmissionWebhookServer("policy.webhooks.svc");
        server.on("/allow", AdmissionWebhookServer::allow)
                .on("/deny", r -> answer(r, "{\"allowed\":false,\"status\":{\"code\":422,\"reason\":\"Invalid\","
                        + "\"message\":\"no latest tags\"}}"))
                .on("/meet", r -> {
                    meeting.countDown();
                    return meeting.await(5, TimeUnit.SECONDS) ? allow(r)
                            : answer(r, "{\"allowed\":false,\"status\":{\"message\":\"called one at a time\"}}");
                })
                .on("/deny-late", r -> {
                    Thread.sleep(2000);
                    return answer(r, "{\"allowed\":false,\"status\":{\"code\":403,\"message\":\"late\"}}");
                })
                .on("/patch", r -> patch(r, "[]"))
                .on("/error500", r -> new AdmissionWebhookServer.Reply(500, "text/plain", "boom".getBytes()))
                .on("/slow", server.hang());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static ValidatingWebhookPlugin plugin(ValidatingWebhook... hooks) {
        Source source = new Source();
        source.validating = List.of(validating("config", hooks));
        return new ValidatingWebhookPlugin(WebhookFixtures.webhooks(source));
    }

    private static ValidatingWebhook hook(String name, String path) {
        return validatingHook(name, server.url(path), server.caBundle()).build();
    }

    @Test
    void webhooksAreCalledAtTheSameTime() {
        meeting = new CountDownLatch(2);
        assertThatCode(() -> plugin(hook("a.example.com", "/meet"), hook("b.example.com", "/meet"))
                .validate(create(pod("p"), "ns", false, null))).doesNotThrowAnyException();
    }

    @Test
    void theFirstDenialWinsWithKubesMessage() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> plugin(hook("late.example.com", "/deny-late"), hook("tags.example.com", "/deny"),
                hook("ok.example.com", "/allow")).validate(create(pod("p"), "ns", false, null)))
                .isInstanceOfSatisfying(StatusError.class, e -> {
                    assertThat(e.code()).isEqualTo(422);
                    assertThat(e.reason()).isEqualTo("Invalid");
                    assertThat(e.getMessage())
                            .isEqualTo("admission webhook \"tags.example.com\" denied the request: no latest tags");
                });
        // every call ends before the request does
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(2000));
    }

    @Test
    void aTimeoutFailsTheRequestUnderFailAndPassesUnderIgnore() {
        ValidatingWebhook slow = validatingHook("slow.example.com", server.url("/slow"), server.caBundle())
                .withTimeoutSeconds(1).build();
        assertThatThrownBy(() -> plugin(slow, hook("ok.example.com", "/allow")).validate(create(pod("p"), "ns", false, null)))
                .isInstanceOfSatisfying(StatusError.class, e -> {
                    assertThat(e.code()).isEqualTo(500);
                    assertThat(e.getMessage()).isEqualTo("Internal error occurred: failed calling webhook "
                            + "\"slow.example.com\": failed to call webhook: Post \"" + server.url("/slow?timeout=1s")
                            + "\": context deadline exceeded");
                });
        slow.setFailurePolicy("Ignore");
        Recorded recorded = new Recorded();
        plugin(hook("ok.example.com", "/allow"), slow).validate(create(pod("p"), "ns", false, recorded));
        assertThat(recorded.annotations)
                .containsEntry("failed-open.validating.webhook.admission.k8s.io/round_0_index_1", "slow.example.com");
    }

    /** Each call told as kube's dispatcher tells it to apiserver_admission_webhook_* (label values as kube's). */
    @Test
    void eachCallsOutcomeIsCountedAsKubeCountsIt() {
        WebhookFixtures.Told metrics = new WebhookFixtures.Told();
        List<String> told = metrics.lines;
        ValidatingWebhook broken = hook("broken.example.com", "/error500");
        Source source = new Source();
        source.validating = List.of(validating("config", hook("ok.example.com", "/allow"), hook("tags.example.com",
                "/deny"), broken));
        ValidatingWebhookPlugin plugin = new ValidatingWebhookPlugin(WebhookFixtures.webhooks(source, metrics));
        assertThatThrownBy(() -> plugin.validate(create(pod("p"), "ns", false, null))).isInstanceOf(StatusError.class);
        assertThat(told).containsExactlyInAnyOrder(
                "called ok.example.com validating CREATE rejected=false code=200",
                "rejected tags.example.com no_error code=422",
                "called tags.example.com validating CREATE rejected=true code=422",
                "rejected broken.example.com calling_webhook_error code=500",
                "called broken.example.com validating CREATE rejected=true code=500");

        told.clear();
        broken.setFailurePolicy("Ignore");
        source.validating = List.of(validating("config2", broken));
        plugin.validate(create(pod("p"), "ns", false, null));
        assertThat(told).containsExactly("called broken.example.com validating CREATE rejected=false code=500",
                "failed open broken.example.com validating");
    }

    /** kube's codes for a call without a usable answer: the answer's, else its dispatchers' Status codes. */
    @Test
    void aFailedCallsCodeIsKubes() {
        CallingWebhook timeout = new CallingWebhook("w", "failed to call webhook: Post \"https://x\": context deadline exceeded");
        assertThat(WebhookMetrics.failureCode(timeout, false)).isEqualTo(400);
        assertThat(WebhookMetrics.failureCode(timeout, true)).isEqualTo(503);
        assertThat(WebhookMetrics.failureCode(new CallingWebhook("w", "failed to call webhook: boom", 502), true))
                .isEqualTo(502);
        assertThat(WebhookMetrics.failureCode(new CallingWebhook("w", "received invalid webhook response: x"), false))
                .isEqualTo(503);
        assertThat(WebhookMetrics.failureCode(new CallingWebhook("w", "could not get REST client: x"), true))
                .isEqualTo(500);
        assertThat(WebhookMetrics.failureCode(new CallingWebhook("w", "Webhook SideEffects is nil"), true))
                .isEqualTo(400);
    }

    @Test
    void aValidatingWebhookMayNotPatch() {
        assertThatThrownBy(() -> plugin(hook("p.example.com", "/patch")).validate(create(pod("p"), "ns", false, null)))
                .hasMessage("Internal error occurred: failed calling webhook \"p.example.com\": received invalid "
                        + "webhook response: validating webhook may not return response.patch");
    }

    @Test
    void aDryRunIsRefusedByWebhooksWithSideEffects() {
        ValidatingWebhook some = validatingHook("some.example.com", server.url("/allow"), server.caBundle())
                .withSideEffects("Some").build();
        assertThatThrownBy(() -> plugin(some).validate(create(pod("p"), "ns", true, null)))
                .isInstanceOfSatisfying(StatusError.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo("admission webhook \"some.example.com\" does not support dry run");
                });
    }

    @Test
    void aServiceIsCalledWhereTheOperatorMapsItAndVerifiedByItsServiceName() {
        ValidatingWebhook service = validatingHook("svc.example.com", null, server.caBundle())
                .editClientConfig().withUrl(null).withNewService().withNamespace("webhooks").withName("policy")
                .withPath("/deny").withPort(8443).endService().endClientConfig().build();
        Source source = new Source();
        source.validating = List.of(validating("config", service));
        ServiceUrls mapped = ServiceUrls.parse("webhooks/policy:8443=https://127.0.0.1:" + server.port());
        ValidatingWebhookPlugin plugin = new ValidatingWebhookPlugin(WebhookFixtures.webhooks(source,
                new dev.kapi.apiserver.admission.plugin.webhook.generic.CelMatchConditions(null), mapped));
        assertThatThrownBy(() -> plugin.validate(create(pod("p"), "ns", false, null)))
                .hasMessage("admission webhook \"svc.example.com\" denied the request: no latest tags");
        assertThat(server.reviews("/deny").getLast().path("query").asString()).isEqualTo("timeout=2s");
        // the certificate must be valid for the service's name, not only for the address it maps to
        ValidatingWebhook other = validatingHook("svc.example.com", null, server.caBundle())
                .editClientConfig().withUrl(null).withNewService().withNamespace("webhooks").withName("other")
                .withPath("/deny").withPort(8443).endService().endClientConfig().build();
        source.validating = List.of(validating("config", other));
        ValidatingWebhookPlugin otherPlugin = new ValidatingWebhookPlugin(WebhookFixtures.webhooks(source,
                new dev.kapi.apiserver.admission.plugin.webhook.generic.CelMatchConditions(null),
                ServiceUrls.parse("webhooks/other:8443=https://127.0.0.1:" + server.port())));
        assertThatThrownBy(() -> otherPlugin.validate(create(pod("p"), "ns", false, null)))
                .hasMessageEndingWith("tls: failed to verify certificate: x509: certificate is valid for "
                        + "policy.webhooks.svc, not other.webhooks.svc");
    }

    @Test
    void aNewListOfConfigurationsIsSeenAtOnce() {
        Source source = new Source();
        ValidatingWebhookPlugin plugin = new ValidatingWebhookPlugin(WebhookFixtures.webhooks(source));
        plugin.validate(create(pod("p"), "ns", false, null));
        source.validating = List.of(validating("b", hook("deny.example.com", "/deny")));
        assertThatThrownBy(() -> plugin.validate(create(pod("p"), "ns", false, null)))
                .hasMessageContaining("deny.example.com");
        source.validating = List.of();
        assertThatCode(() -> plugin.validate(create(pod("p"), "ns", false, null))).doesNotThrowAnyException();
    }
}
