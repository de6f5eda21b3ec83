package dev.kapi.admissionwebhooks.nolatest;

import dev.kapi.admissionwebhooks.review.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.kapi.admissionwebhooks.testing.Reviews.create;
import static dev.kapi.admissionwebhooks.testing.Reviews.cronJob;
import static dev.kapi.admissionwebhooks.testing.Reviews.deployment;
import static dev.kapi.admissionwebhooks.testing.Reviews.json;
import static dev.kapi.admissionwebhooks.testing.Reviews.pod;
import static dev.kapi.admissionwebhooks.testing.Reviews.review;
import static dev.kapi.admissionwebhooks.testing.Reviews.update;
import static org.assertj.core.api.Assertions.assertThat;

class NoLatestWebhookTest {

    private final NoLatestWebhook webhook = new NoLatestWebhook(new NoLatestWebhook.Settings(true, "Fail"));

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "nginx:1.27.3                   | allowed",
            "nginx@sha256:0123abcd          | allowed",
            "nginx:latest@sha256:0123abcd   | allowed",
            "ghcr.io/acme/app:v2            | allowed",
            "localhost:5000/app:2           | allowed",
            "nginx:latest                   | image \"nginx:latest\" of container \"c0\" uses the :latest tag",
            "nginx                          | image \"nginx\" of container \"c0\" has no tag, so it runs whatever :latest is",
            "localhost:5000/app             | image \"localhost:5000/app\" of container \"c0\" has no tag, so it runs whatever :latest is",
            "ghcr.io/acme/app:latest        | image \"ghcr.io/acme/app:latest\" of container \"c0\" uses the :latest tag",
    })
    void decidesEachImageOfACreatedPod(String image, String expected) {
        Verdict verdict = webhook.review(create(pod(image)));
        if (expected.equals("allowed")) {
            assertThat(verdict.allowed()).isTrue();
            assertThat(verdict.warnings()).isEmpty();
        } else {
            assertThat(verdict.allowed()).isFalse();
            assertThat(verdict.code()).isEqualTo(403);
            assertThat(verdict.message()).isEqualTo("Pod \"web\": " + expected
                    + ". Pin a version tag (nginx:1.27.3) or a digest (nginx@sha256:...)");
        }
    }

    @Test
    void namesEveryOffendingContainerInOneMessage() {
        Verdict verdict = webhook.review(create(pod("nginx:1.27", "redis", "busybox:latest")));
        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.message()).startsWith("Pod \"web\": image \"redis\" of container \"c1\" has no tag, so it "
                + "runs whatever :latest is; image \"busybox:latest\" of container \"c2\" uses the :latest tag.");
    }

    @Test
    void checksPodTemplatesOfWorkloadsAndInitContainers() {
        assertThat(webhook.review(create(deployment("nginx:latest"))).message())
                .startsWith("Deployment \"web\": image \"nginx:latest\" of container \"c0\"");
        assertThat(webhook.review(create(cronJob("busybox"))).allowed()).isFalse();
        assertThat(webhook.review(create(json("""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web"},"spec":{
                 "initContainers":[{"name":"init","image":"busybox"}],
                 "containers":[{"name":"app","image":"nginx:1.27"}]}}"""))).message())
                .contains("image \"busybox\" of container \"init\"");
    }

    @Test
    void anUpdateIsDeniedOnlyForImagesItIntroduces() {
        // the pod already ran nginx:latest (created before the policy): a label change still goes through, warned
        Verdict kept = webhook.review(update(pod("nginx:latest", "redis:7"), pod("nginx:latest", "redis:7")));
        assertThat(kept.allowed()).isTrue();
        assertThat(kept.warnings()).containsExactly("image \"nginx:latest\" of container \"c0\" uses the :latest tag "
                + "(allowed: the object had it before this update)");

        Verdict introduced = webhook.review(update(pod("nginx:latest", "redis:latest"), pod("nginx:latest", "redis:7")));
        assertThat(introduced.allowed()).isFalse();
        assertThat(introduced.message()).contains("image \"redis:latest\" of container \"c1\"")
                .doesNotContain("\"nginx:latest\"");
        assertThat(introduced.warnings()).hasSize(1);
    }

    @Test
    void deletesAndObjectsWithoutContainersAreAllowed() {
        assertThat(webhook.review(review("DELETE", "default", null, pod("nginx"))).allowed()).isTrue();
        assertThat(webhook.review(create(json("""
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"image":"nginx"}}""")))
                .allowed()).isTrue();
    }
}
