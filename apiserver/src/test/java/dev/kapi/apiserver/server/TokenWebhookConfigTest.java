package dev.kapi.apiserver.server;

import dev.kapi.apiserver.authn.CachedTokenAuthenticator;
import dev.kapi.apiserver.authn.TokenWebhook;
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
 * The token authentication webhook's flags: off without a config file, cached unless the TTL is 0, and a file that
 * cannot be read or an unknown version stop the start with one line naming the flag.
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
                    TOKENS)).isInstanceOf(TokenWebhook.class);
            assertThatThrownBy(() -> config.webhookTokenAuthenticator(
                    new TokenWebhookOptions(conf, Duration.ofMinutes(2), "v2"), TOKENS))
                    .isInstanceOf(StartupFailure.class).hasMessage("--authentication-token-webhook-version: "
                            + "unsupported authentication webhook version \"v2\", supported versions are \"v1\", \"v1beta1\"");
        }
        Path missing = dir.resolve("missing.kubeconfig");
        assertThatThrownBy(() -> config.webhookTokenAuthenticator(
                new TokenWebhookOptions(missing.toString(), Duration.ofMinutes(2), "v1"), TOKENS))
                .isInstanceOf(StartupFailure.class)
                .hasMessage("--authentication-token-webhook-config-file: open " + missing + ": no such file or directory");
    }
}
