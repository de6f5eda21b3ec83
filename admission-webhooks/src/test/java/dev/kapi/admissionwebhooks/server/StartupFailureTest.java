package dev.kapi.admissionwebhooks.server;

import dev.kapi.admissionwebhooks.AdmissionWebhooksApplication;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** A setting the user must fix stops the start with one line saying what, not a stack trace. */
class StartupFailureTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--webhooks.image-registries.enabled=true        | webhooks.image-registries.allowed is empty: list the registries images may come from",
            "--webhooks.pod-defaults.enabled=true --webhooks.pod-defaults.requests=cpu=lots | webhooks.pod-defaults.requests: \"cpu=lots\" is not a resource name and quantity",
            "--tls-cert-file=/nonexistent/tls.crt --tls-private-key-file=/nonexistent/tls.key | cannot read or write the TLS files: java.nio.file.NoSuchFileException: /nonexistent/tls.crt",
            "--tls-cert-file=/nonexistent/tls.crt            | --tls-cert-file and --tls-private-key-file go together",
            "--external-url=http://webhooks.example.com      | --external-url http://webhooks.example.com must be an https:// URL with a host",
    })
    void aBadSettingIsOneLine(String flags, String message) {
        String[] args = (AdmissionWebhooksApplication.PRINT_CONFIG + " --data-dir=" + dir + " " + flags).split(" ");
        Throwable failure = catchThrowable(() -> AdmissionWebhooksApplication.run(args, System.out));

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(new StartupFailureReporter(new PrintStream(err, true, StandardCharsets.UTF_8))
                .reportException(failure)).isTrue();
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("Error: " + message).endsWith("\n")
                .hasLineCount(1);
    }
}
