package dev.kapi.apiserver.server;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * kube-apiserver's webhook token authentication flags, with its names and defaults:
 * {@code --authentication-token-webhook-config-file} (a kubeconfig; "" = no webhook),
 * {@code --authentication-token-webhook-cache-ttl} ({@code 2m0s}; 0 = no cache) and
 * {@code --authentication-token-webhook-version} ({@code v1}, or {@code v1beta1}).
 */
@Component
public record TokenWebhookOptions(String configFile, Duration cacheTtl, String version) {

    @Autowired
    public TokenWebhookOptions(@Value("${authentication-token-webhook-config-file:}") String configFile,
                               @Value("${authentication-token-webhook-cache-ttl:2m}") String cacheTtl,
                               @Value("${authentication-token-webhook-version:v1}") String version) {
        this(configFile, cacheTtl.isBlank() ? Duration.ofMinutes(2) // blank keeps the default, as every flag's
                : dev.kapi.apiserver.api.GoDuration.parse(cacheTtl.trim()), version);
    }
}
