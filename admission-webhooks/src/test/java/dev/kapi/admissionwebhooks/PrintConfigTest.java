package dev.kapi.admissionwebhooks;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code java -jar admission-webhooks.jar print-config --config FILE}: what to register, nothing else. */
class PrintConfigTest {

    @TempDir
    static Path dir;
    static String output;
    static List<String> documents;

    @BeforeAll
    static void printConfig() throws Exception {
        Path config = Files.writeString(dir.resolve("webhooks.yaml"), """
                external-url: https://webhooks.example.com:9443/
                registration:
                  name: platform
                  exclude-namespaces: [kube-system, platform-webhooks]
                webhooks:
                  pod-defaults:
                    enabled: true
                    labels: [a=b]
                    failure-policy: Ignore
                  image-registries:
                    enabled: true
                    allowed: [ghcr.io]
                  required-labels:
                    enabled: true
                    namespaces:
                      team-a: [team]
                      team-b: [team, owner]
                    resources: [pods, deployments]
                  no-latest:
                    enabled: true
                """);
        // all of stdout, where log lines would go too
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(AdmissionWebhooksApplication.run(new String[] {"print-config", "--config", config.toString(),
                    "--data-dir", dir.resolve("data").toString()}, System.out)).isNull();
        } finally {
            System.setOut(stdout);
        }
        output = out.toString(StandardCharsets.UTF_8);
        documents = List.of(output.split("(?m)^---\n"));
    }

    @Test
    void printsCommentsThenTheTwoConfigurationsAndNoLogLines() {
        assertThat(documents).hasSize(3);
        assertThat(documents.getFirst().lines()).allMatch(l -> l.startsWith("#"));
        assertThat(output).startsWith("# Admission webhooks served at https://webhooks.example.com:9443\n")
                .doesNotContain(" INFO ", " WARN ");
    }

    @Test
    void theCaBundleIsTheGeneratedCa() throws Exception {
        String ca = Files.readString(dir.resolve("data/pki/ca.crt"));
        String caBundle = Base64.getEncoder().encodeToString(ca.getBytes(StandardCharsets.US_ASCII));
        assertThat(documents.getFirst()).contains("#   " + caBundle + "\n");
        assertThat(mutating().getWebhooks()).allSatisfy(w ->
                assertThat(w.getClientConfig().getCaBundle()).isEqualTo(caBundle));
        assertThat(validating().getWebhooks()).allSatisfy(w ->
                assertThat(w.getClientConfig().getCaBundle()).isEqualTo(caBundle));
    }

    @Test
    void theMutatingConfigurationCallsPodDefaultsForPodCreates() throws Exception {
        MutatingWebhookConfiguration mutating = mutating();
        assertThat(mutating.getApiVersion()).isEqualTo("admissionregistration.k8s.io/v1");
        assertThat(mutating.getMetadata().getName()).isEqualTo("platform");
        assertThat(mutating.getWebhooks()).singleElement().satisfies(w -> {
            assertThat(w.getName()).isEqualTo("pod-defaults.webhooks.kapi.dev");
            assertThat(w.getClientConfig().getUrl()).isEqualTo("https://webhooks.example.com:9443/mutate/pod-defaults");
            assertThat(w.getFailurePolicy()).isEqualTo("Ignore");
            assertThat(w.getSideEffects()).isEqualTo("None");
            assertThat(w.getAdmissionReviewVersions()).containsExactly("v1");
            assertThat(w.getReinvocationPolicy()).isEqualTo("IfNeeded");
            assertThat(w.getRules()).singleElement().satisfies(r -> {
                assertThat(r.getApiGroups()).containsExactly("");
                assertThat(r.getResources()).containsExactly("pods");
                assertThat(r.getOperations()).containsExactly("CREATE");
            });
            assertThat(w.getNamespaceSelector().getMatchExpressions()).singleElement().satisfies(e -> {
                assertThat(e.getOperator()).isEqualTo("NotIn");
                assertThat(e.getValues()).containsExactly("kube-system", "platform-webhooks");
            });
        });
    }

    @Test
    void theValidatingConfigurationCallsTheThreeValidators() throws Exception {
        List<ValidatingWebhook> webhooks = validating().getWebhooks();
        assertThat(webhooks).extracting(ValidatingWebhook::getName).containsExactly(
                "image-registries.webhooks.kapi.dev", "no-latest.webhooks.kapi.dev", "required-labels.webhooks.kapi.dev");
        assertThat(webhooks).extracting(w -> w.getClientConfig().getUrl()).containsExactly(
                "https://webhooks.example.com:9443/validate/image-registries",
                "https://webhooks.example.com:9443/validate/no-latest",
                "https://webhooks.example.com:9443/validate/required-labels");
        assertThat(webhooks.getFirst().getRules()).flatExtracting(r -> r.getResources()).contains("pods",
                "pods/ephemeralcontainers", "deployments", "statefulsets", "daemonsets", "jobs", "cronjobs");
        assertThat(webhooks.getFirst().getRules()).allSatisfy(r ->
                assertThat(r.getOperations()).containsExactly("CREATE", "UPDATE"));
        // required-labels is called only in its namespaces, for its resources
        assertThat(webhooks.get(2).getNamespaceSelector().getMatchExpressions()).singleElement().satisfies(e -> {
            assertThat(e.getOperator()).isEqualTo("In");
            assertThat(e.getValues()).containsExactly("team-a", "team-b");
        });
        assertThat(webhooks.get(2).getRules()).singleElement().satisfies(r ->
                assertThat(r.getResources()).containsExactly("pods", "deployments"));
    }

    private static MutatingWebhookConfiguration mutating() throws Exception {
        return new YAMLMapper().readValue(documents.get(1), MutatingWebhookConfiguration.class);
    }

    private static ValidatingWebhookConfiguration validating() throws Exception {
        return new YAMLMapper().readValue(documents.get(2), ValidatingWebhookConfiguration.class);
    }
}
