package dev.kapi.admissionwebhooks.registration;

import dev.kapi.admissionwebhooks.nolatest.NoLatestWebhook;
import dev.kapi.admissionwebhooks.poddefaults.PodDefaultsWebhook;
import dev.kapi.admissionwebhooks.review.AdmissionWebhook;
import dev.kapi.admissionwebhooks.testing.FakeApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SelfRegistrationTest {

    private static final String MUTATING = "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations";
    private static final String VALIDATING = "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations";

    @TempDir
    Path dir;
    FakeApiServer api;
    Path kubeconfig;

    @BeforeEach
    void start() throws Exception {
        api = new FakeApiServer();
        kubeconfig = api.writeKubeconfig(dir.resolve("kubeconfig"));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private static WebhookConfigurations configurations(String url) {
        List<AdmissionWebhook> webhooks = List.of(
                new PodDefaultsWebhook(new PodDefaultsWebhook.Settings(true, List.of("a=b"), List.of(), "Ignore")),
                new NoLatestWebhook(new NoLatestWebhook.Settings(true, "Fail")));
        return WebhookConfigurations.of(webhooks, new RegistrationSettings("platform-webhooks", "webhooks.example.com",
                List.of("kube-system"), 5), URI.create(url), "Q0EtQlVORExF");
    }

    @Test
    void createsBothConfigurationsWhenAbsent() throws Exception {
        SelfRegistration.register(kubeconfig, configurations("https://hooks.example.com:8443"));

        assertThat(api.requests()).extracting(FakeApiServer.Request::line).containsExactly(
                "GET " + MUTATING + "/platform-webhooks", "POST " + MUTATING,
                "GET " + VALIDATING + "/platform-webhooks", "POST " + VALIDATING);
        assertThat(api.requests()).extracting(FakeApiServer.Request::authorization)
                .containsOnly("Bearer " + FakeApiServer.TOKEN);
        var mutating = api.object("mutatingwebhookconfigurations", "platform-webhooks");
        assertThat(mutating.at("/webhooks/0/name").asString()).isEqualTo("pod-defaults.webhooks.example.com");
        assertThat(mutating.at("/webhooks/0/clientConfig/url").asString())
                .isEqualTo("https://hooks.example.com:8443/mutate/pod-defaults");
        assertThat(mutating.at("/webhooks/0/clientConfig/caBundle").asString()).isEqualTo("Q0EtQlVORExF");
        assertThat(mutating.at("/webhooks/0/failurePolicy").asString()).isEqualTo("Ignore");
        var validating = api.object("validatingwebhookconfigurations", "platform-webhooks");
        assertThat(validating.at("/webhooks/0/clientConfig/url").asString())
                .isEqualTo("https://hooks.example.com:8443/validate/no-latest");
        assertThat(validating.at("/webhooks/0/timeoutSeconds").asInt()).isEqualTo(5);
    }

    @Test
    void replacesExistingConfigurationsAtTheirResourceVersion() throws Exception {
        SelfRegistration.register(kubeconfig, configurations("https://old.example.com"));
        String oldVersion = api.object("validatingwebhookconfigurations", "platform-webhooks")
                .at("/metadata/resourceVersion").asString();
        api.clearRequests();

        SelfRegistration.register(kubeconfig, configurations("https://new.example.com"));

        assertThat(api.requests()).extracting(FakeApiServer.Request::line).containsExactly(
                "GET " + MUTATING + "/platform-webhooks", "PUT " + MUTATING + "/platform-webhooks",
                "GET " + VALIDATING + "/platform-webhooks", "PUT " + VALIDATING + "/platform-webhooks");
        assertThat(api.requests().get(3).body().at("/metadata/resourceVersion").asString()).isEqualTo(oldVersion);
        assertThat(api.object("validatingwebhookconfigurations", "platform-webhooks")
                .at("/webhooks/0/clientConfig/url").asString()).isEqualTo("https://new.example.com/validate/no-latest");
    }

    @Test
    void aConcurrentChangeIsReadAgainAndReplaced() throws Exception {
        SelfRegistration.register(kubeconfig, configurations("https://old.example.com"));
        api.clearRequests();
        api.changeAfterNextGet();

        SelfRegistration.register(kubeconfig, configurations("https://new.example.com"));

        assertThat(api.requests()).extracting(FakeApiServer.Request::line).startsWith(
                "GET " + MUTATING + "/platform-webhooks", "PUT " + MUTATING + "/platform-webhooks",
                "GET " + MUTATING + "/platform-webhooks", "PUT " + MUTATING + "/platform-webhooks");
        assertThat(api.object("mutatingwebhookconfigurations", "platform-webhooks")
                .at("/webhooks/0/clientConfig/url").asString()).isEqualTo("https://new.example.com/mutate/pod-defaults");
    }

    @Test
    void aRefusalSaysWhereAndWhy() {
        api.forbidAll();
        assertThatThrownBy(() -> SelfRegistration.register(kubeconfig, configurations("https://x.example.com")))
                .isInstanceOf(SelfRegistration.RegistrationException.class)
                .hasMessageStartingWith("cannot register the webhook configurations with http://127.0.0.1:")
                .hasMessageContaining("(kubeconfig " + kubeconfig + ")")
                .hasMessageContaining("Forbidden");
    }
}
