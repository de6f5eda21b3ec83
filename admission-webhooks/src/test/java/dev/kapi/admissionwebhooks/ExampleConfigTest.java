package dev.kapi.admissionwebhooks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The example users copy, config/admission-webhooks.yaml, is a configuration the webhooks accept. */
class ExampleConfigTest {

    @Test
    void theExampleConfigurationEnablesEveryWebhook(@TempDir Path dir) {
        Path example = Path.of("..", "config", "admission-webhooks.yaml");
        assertThat(example).exists();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AdmissionWebhooksApplication.run(new String[] {"print-config", "--config", example.toString(),
                "--data-dir", dir.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(out.toString(StandardCharsets.UTF_8)).contains(
                "url: https://webhooks.example.com:8443/mutate/pod-defaults",
                "url: https://webhooks.example.com:8443/validate/image-registries",
                "url: https://webhooks.example.com:8443/validate/no-latest",
                "url: https://webhooks.example.com:8443/validate/required-labels");
        assertThat(dir.resolve("pki/ca.crt")).exists();
    }
}
