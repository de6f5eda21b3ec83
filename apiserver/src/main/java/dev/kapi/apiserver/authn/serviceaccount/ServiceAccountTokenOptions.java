package dev.kapi.apiserver.authn.serviceaccount;

import java.time.Duration;
import java.util.List;

/**
 * The ServiceAccount token flags: {@code --service-account-issuer} (the first issues, all are accepted),
 * {@code --api-audiences} (the audiences a token must have when the caller names none; default: the
 * issuers) and {@code --service-account-max-token-expiration} (null = no limit).
 */
public record ServiceAccountTokenOptions(List<String> issuers, List<String> apiAudiences, Duration maxExpiration) {

    public static final String DEFAULT_ISSUER = "https://kubernetes.default.svc.cluster.local";

    public ServiceAccountTokenOptions {
        if (issuers.isEmpty()) {
            throw new IllegalArgumentException("--service-account-issuer must name at least one issuer");
        }
        issuers = List.copyOf(issuers);
        apiAudiences = apiAudiences.isEmpty() ? issuers : List.copyOf(apiAudiences);
    }

    /** The issuer of new tokens (the first {@code --service-account-issuer}). */
    public String issuer() {
        return issuers.getFirst();
    }
}
