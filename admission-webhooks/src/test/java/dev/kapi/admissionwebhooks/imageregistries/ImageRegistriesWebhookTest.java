package dev.kapi.admissionwebhooks.imageregistries;

import dev.kapi.admissionwebhooks.review.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static dev.kapi.admissionwebhooks.testing.Reviews.create;
import static dev.kapi.admissionwebhooks.testing.Reviews.deployment;
import static dev.kapi.admissionwebhooks.testing.Reviews.pod;
import static dev.kapi.admissionwebhooks.testing.Reviews.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageRegistriesWebhookTest {

    private static ImageRegistriesWebhook allowing(String... registries) {
        return new ImageRegistriesWebhook(new ImageRegistriesWebhook.Settings(true, List.of(registries), "Fail"));
    }

    @ParameterizedTest(name = "allowed {0}: {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            // Docker Hub short names are docker.io
            "docker.io                 | nginx                               | allowed",
            "docker.io                 | bitnami/redis:7                     | allowed",
            "docker.io                 | docker.io/library/nginx:1.27        | allowed",
            "docker.io                 | index.docker.io/library/nginx       | allowed",
            "docker.io                 | ghcr.io/acme/app:v1                 | denied from ghcr.io",
            "index.docker.io           | nginx                               | allowed",
            "docker.io/library         | nginx:1.27                          | allowed",
            "docker.io/library         | bitnami/redis:7                     | denied from docker.io",
            // a registry host allows every path on it, case-insensitively
            "ghcr.io                   | GHCR.io/acme/app:v1                 | allowed",
            "ghcr.io                   | nginx                               | denied from docker.io",
            // a path prefix matches whole path components only
            "ghcr.io/acme              | ghcr.io/acme/app:v1                 | allowed",
            "ghcr.io/acme              | ghcr.io/acme/team/app:v1            | allowed",
            "ghcr.io/acme              | ghcr.io/acme2/app:v1                | denied from ghcr.io",
            "ghcr.io/acme              | ghcr.io/other/app:v1                | denied from ghcr.io",
            // a port is part of the registry
            "registry.example.com:5000 | registry.example.com:5000/app:1     | allowed",
            "registry.example.com:5000 | registry.example.com/app:1          | denied from registry.example.com",
            "localhost:5000            | localhost:5000/app@sha256:0123abcd  | allowed",
            // a look-alike registry is another registry
            "ghcr.io                   | ghcr.io.evil.com/acme/app           | denied from ghcr.io.evil.com",
    })
    void decidesEachImageByItsRegistry(String allowed, String image, String expected) {
        Verdict verdict = allowing(allowed).review(create(pod(image)));
        if (expected.equals("allowed")) {
            assertThat(verdict.allowed()).isTrue();
        } else {
            assertThat(verdict.allowed()).isFalse();
            assertThat(verdict.code()).isEqualTo(403);
            assertThat(verdict.message()).isEqualTo("Pod \"web\": image \"" + image + "\" of container \"c0\" is not "
                    + "from an allowed registry (it is " + expected.substring("denied ".length()) + "). "
                    + "Allowed registries: " + allowed.replace("index.docker.io", "docker.io"));
        }
    }

    @Test
    void anyListedRegistryAllowsAndEveryOffenderIsNamed() {
        ImageRegistriesWebhook webhook = allowing("docker.io", "ghcr.io/acme");
        assertThat(webhook.review(create(pod("nginx:1", "ghcr.io/acme/app:1"))).allowed()).isTrue();
        Verdict denied = webhook.review(create(deployment("quay.io/x/a:1", "nginx:1", "gcr.io/y/b:2")));
        assertThat(denied.message()).isEqualTo("Deployment \"web\": "
                + "image \"quay.io/x/a:1\" of container \"c0\" is not from an allowed registry (it is from quay.io); "
                + "image \"gcr.io/y/b:2\" of container \"c2\" is not from an allowed registry (it is from gcr.io). "
                + "Allowed registries: docker.io, ghcr.io/acme");
    }

    @Test
    void anUpdateKeepingAnImageFromElsewhereIsWarnedNotDenied() {
        ImageRegistriesWebhook webhook = allowing("ghcr.io");
        Verdict verdict = webhook.review(update(pod("quay.io/x/a:1", "ghcr.io/b:2"), pod("quay.io/x/a:1", "ghcr.io/b:1")));
        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.warnings()).containsExactly("image \"quay.io/x/a:1\" of container \"c0\" is not from an "
                + "allowed registry (it is from quay.io) (allowed: the object had it before this update)");
        assertThat(webhook.review(update(pod("quay.io/x/a:2"), pod("quay.io/x/a:1"))).allowed()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "https://ghcr.io", "ghcr.io/acme/", "nginx@sha256:0123"})
    void aMalformedEntryIsASettingsError(String entry) {
        assertThatThrownBy(() -> allowing(entry)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("webhooks.image-registries.allowed: \"" + entry + "\" is not a registry host");
    }

    @Test
    void anEmptyListOrABadFailurePolicyIsASettingsError() {
        assertThatThrownBy(ImageRegistriesWebhookTest::allowing).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("webhooks.image-registries.allowed is empty");
        assertThatThrownBy(() -> new ImageRegistriesWebhook(new ImageRegistriesWebhook.Settings(true,
                List.of("docker.io"), "Sometimes"))).hasMessage(
                "webhooks.image-registries.failure-policy must be Fail or Ignore, not \"Sometimes\"");
    }
}
