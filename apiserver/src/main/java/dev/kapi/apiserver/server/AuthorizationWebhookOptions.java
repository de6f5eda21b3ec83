package dev.kapi.apiserver.server;

import dev.kapi.apiserver.api.GoDuration;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * kube-apiserver's webhook authorization flags, with its names and defaults:
 * {@code --authorization-webhook-config-file} (a kubeconfig; needed by {@code --authorization-mode=Webhook}),
 * {@code --authorization-webhook-version} ({@code v1beta1}, or {@code v1}),
 * {@code --authorization-webhook-cache-authorized-ttl} ({@code 5m0s}) and
 * {@code --authorization-webhook-cache-unauthorized-ttl} ({@code 30s}); a TTL of 0 remembers nothing.
 */
@Component
public record AuthorizationWebhookOptions(String configFile, String version, Duration authorizedTtl,
                                          Duration unauthorizedTtl) {

    @Autowired
    public AuthorizationWebhookOptions(@Value("${authorization-webhook-config-file:}") String configFile,
                                       @Value("${authorization-webhook-version:v1beta1}") String version,
                                       @Value("${authorization-webhook-cache-authorized-ttl:5m}") String authorizedTtl,
                                       @Value("${authorization-webhook-cache-unauthorized-ttl:30s}") String unauthorizedTtl) {
        this(configFile, version, duration(authorizedTtl, Duration.ofMinutes(5)),
                duration(unauthorizedTtl, Duration.ofSeconds(30)));
    }

    /** A blank value keeps the default, as every flag's (see FlagValues). */
    private static Duration duration(String flag, Duration fallback) {
        return flag.isBlank() ? fallback : GoDuration.parse(flag.trim());
    }
}
