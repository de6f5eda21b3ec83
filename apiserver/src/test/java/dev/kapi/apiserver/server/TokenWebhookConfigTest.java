package dev.kapi.apiserver.server;

import dev.kapi.apiserver.authn.CachedTokenAuthenticator;
import dev.kapi.apiserver.authn.serviceaccount.ServiceAccountTokenOptions;
import dev.kapi.apiserver.testing.WebhookReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The token authentication webhook's flags: off without a config file, behind the cache (a TTL of 0 remembers
 * nothing but still shares calls), and a file that
 * cannot be read or an unknown version stop the start with one line naming the flag; so does an OIDC issuer that is
 * the ServiceAccount issuer (kube's "disallowed issuers").
 */
class TokenWebhookConfigTest {

    static final ServiceAccountTokenOptions TOKENS = new ServiceAccountTokenOptions(List.of("https://issuer"),
            List.of("https://issuer"), null);

    @TempDir
    Path dir;

    @Test
    void theFlagsChooseTheAuthenticator() throws Exception {
        TokenConfig config = new TokenConfig();
        assertThat(config.webhookTokenAuthenticator(new TokenWebhookOptions("", Duration.ofMinutes(2), "v1"), TOKENS)
                .authenticateToken("anything", List.of())).isEmpty();
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            String conf = receiver.kubeconfig(dir, "").toString();
            assertThat(config.webhookTokenAuthenticator(new TokenWebhookOptions(conf, Duration.ofMinutes(2), "v1"),
                    TOKENS)).isInstanceOf(CachedTokenAuthenticator.class);
            assertThat(config.webhookTokenAuthenticator(new TokenWebhookOptions(conf, Duration.ZERO, "v1beta1"),
                    TOKENS)).as("TTL 0 still shares calls").isInstanceOf(CachedTokenAuthenticator.class);
            assertThatThrownBy(() -> config.webhookTokenAuthenticator(
                    new TokenWebhookOptions(conf, Duration.ofMinutes(2), "v2"), TOKENS))
                    .isInstanceOf(StartupFailure.class).hasMessage("--authentication-token-webhook-version: "
                            + "unsupported authentication webhook version \"v2\", supported versions are \"v1\", \"v1beta1\"");
        }
        assertThatThrownBy(() -> TokenConfig.oidc(new ServerOptions.OidcFlags("https://issuer", "kapi",
                "sub", "", "", "", "", List.of("RS256"), List.of()), TOKENS)).isInstanceOf(StartupFailure.class)
                .hasMessage("jwt[0].issuer.url: Invalid value: \"https://issuer\": URL must not overlap with "
                        + "disallowed issuers: [https://issuer]");
        Path missing = dir.resolve("missing.kubeconfig");
        assertThatThrownBy(() -> config.webhookTokenAuthenticator(
                new TokenWebhookOptions(missing.toString(), Duration.ofMinutes(2), "v1"), TOKENS))
                .isInstanceOf(StartupFailure.class)
                .hasMessage("--authentication-token-webhook-config-file: open " + missing + ": no such file or directory");
    }
}
