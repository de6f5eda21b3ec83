package dev.kapi.apiserver.authn;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.webhook.FailureLog;
import dev.kapi.apiserver.webhook.ReviewFields;
import dev.kapi.apiserver.webhook.WebhookTarget;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * kube's webhook token authentication ({@code --authentication-token-webhook-config-file}): asks a remote service
 * who a bearer token belongs to by POSTing a TokenReview to the server of a kubeconfig, e.g.
 * <pre>{@code {"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","metadata":{},
 *  "spec":{"token":"...","audiences":["https://kubernetes.default.svc"]},"status":{"user":{}}}}</pre>
 * and reading {@code status}: {@code authenticated}, {@code user} (username, uid, groups, extra),
 * {@code audiences}, {@code error}. As kube does: the review names the audiences the token must be for (the
 * request's, else the server's {@code --api-audiences}); a webhook that answers other audiences, none of them
 * wanted, has not authenticated the token (an answer without audiences stands for the server's); an answer that
 * is not authenticated and carries an {@code error} is a refusal with that message. A call that fails with a
 * connection reset, a 429, a 5xx other than 503 or a positive {@code Retry-After} is tried again (five tries in
 * all, 500 ms after the first, each wait 1.5 times the last with up to 20% jitter, all within 30 s); an answer
 * with a field of the wrong type ({@code "authenticated":"true"}) is invalid, as Go's decoder finds it; any
 * failure refuses the token (a 401, never anonymous) and is logged at most every 10 s. Meant to be wrapped in a
 * {@link CachedTokenAuthenticator}.
 */
public final class TokenWebhook implements TokenAuthenticator {

    /** kube's {@code sharedLookupTimeout}: one token's review, its retries included, takes at most this long. */
    static final Duration LOOKUP_BUDGET = Duration.ofSeconds(30);

    private final WebhookTarget target;
    private final String apiVersion;
    private final List<String> implicitAudiences;
    private final Duration initialBackoff;
    private final FailureLog failures = new FailureLog(TokenWebhook.class, "Failed to make webhook authenticator request");

    /**
     * @param version           {@code v1} or {@code v1beta1} ({@code --authentication-token-webhook-version})
     * @param implicitAudiences the server's API audiences
     */
    public TokenWebhook(WebhookTarget target, String version, List<String> implicitAudiences, Duration initialBackoff) {
        if (!version.equals("v1") && !version.equals("v1beta1")) {
            throw new IllegalArgumentException("unsupported authentication webhook version \"" + version
                    + "\", supported versions are \"v1\", \"v1beta1\"");
        }
        this.target = target;
        this.apiVersion = "authentication.k8s.io/" + version;
        this.implicitAudiences = List.copyOf(implicitAudiences);
        this.initialBackoff = initialBackoff;
    }

    @Override
    public Optional<Authenticated> authenticate(String token, List<String> audiences) {
        List<String> wanted = audiences.isEmpty() ? implicitAudiences : audiences;
        try {
            return read(review(token, wanted), wanted);
        } catch (BadCredentialsException e) {
            throw e;
        } catch (IOException | RuntimeException e) { // a failed call, or e.g. a token file's bad header value
            String error = e.getMessage() == null ? e.toString() : e.getMessage();
            failures.failed(error);
            if (e instanceof InterruptedIOException) {
                Thread.currentThread().interrupt();
            }
            throw new BadCredentialsException(error);
        }
    }

    /** The user of an answer, read as Go reads it into a TokenReview (a field of the wrong type fails). */
    private Optional<Authenticated> read(JsonNode answer, List<String> wanted) throws IOException {
        ReviewFields.envelope(answer, "TokenReview");
        JsonNode status = ReviewFields.object(answer, "status", "status");
        List<String> answered = ReviewFields.strings(status, "audiences", "status.audiences");
        boolean authenticated = ReviewFields.bool(status, "authenticated", "status.authenticated");
        String error = ReviewFields.string(status, "error", "status.error");
        JsonNode user = ReviewFields.object(status, "user", "status.user");
        UserInfo info = new UserInfo(ReviewFields.string(user, "username", "status.user.username"),
                ReviewFields.string(user, "uid", "status.user.uid"),
                ReviewFields.strings(user, "groups", "status.user.groups"),
                ReviewFields.stringLists(user, "extra", "status.user.extra"));
        List<String> granted = List.of();
        if (!wanted.isEmpty()) { // kube's wanted.Intersect(got): the webhook's (or the implicit) audiences also wanted
            granted = (answered.isEmpty() ? implicitAudiences : answered).stream().filter(wanted::contains).toList();
            if (granted.isEmpty()) {
                return Optional.empty();
            }
        }
        if (!authenticated) {
            if (!error.isEmpty()) {
                throw new BadCredentialsException(error);
            }
            return Optional.empty();
        }
        return Optional.of(new Authenticated(info, granted));
    }

    /** The webhook's answer to a review of the token, tried again as kube tries it. */
    private JsonNode review(String token, List<String> audiences) throws IOException {
        ObjectNode review = Json.MAPPER.createObjectNode().put("apiVersion", apiVersion).put("kind", "TokenReview");
        review.putObject("metadata");
        ObjectNode spec = review.putObject("spec").put("token", token);
        if (!audiences.isEmpty()) {
            audiences.forEach(spec.putArray("audiences")::add);
        }
        review.putObject("status").putObject("user");
        return target.review(Json.MAPPER.writeValueAsBytes(review), initialBackoff,
                System.nanoTime() + LOOKUP_BUDGET.toNanos());
    }
}
