package dev.kapi.admissionwebhooks.registration;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

import java.io.PrintStream;

/**
 * Writes what to register, ready for {@code kubectl apply -f -}: comment lines with the URL and the
 * {@code caBundle}, then the MutatingWebhookConfiguration and the ValidatingWebhookConfiguration as two YAML
 * documents.
 */
public final class ConfigPrinter {

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
            .disable(YAMLWriteFeature.SPLIT_LINES)
            .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    private ConfigPrinter() {
    }

    public static void print(WebhookConfigurations configurations, String externalUrl, String caBundleBase64,
                             PrintStream out) {
        StringBuilder text = new StringBuilder()
                .append("# Admission webhooks served at ").append(externalUrl).append('\n')
                .append("# caBundle (base64 of the PEM CA bundle API servers must trust to call them):\n")
                .append("#   ").append(caBundleBase64).append('\n')
                .append("# Register: kubectl apply -f <this file>\n")
                .append("---\n").append(YAML.writeValueAsString(configurations.mutating()))
                .append("---\n").append(YAML.writeValueAsString(configurations.validating()));
        out.print(text);
        out.flush();
    }
}
