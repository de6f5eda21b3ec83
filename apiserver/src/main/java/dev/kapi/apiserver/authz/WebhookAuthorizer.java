package dev.kapi.apiserver.authz;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.webhook.AnswerCache;
import dev.kapi.apiserver.webhook.FailureLog;
import dev.kapi.apiserver.webhook.ReviewFields;
import dev.kapi.apiserver.webhook.WebhookClient;
import dev.kapi.apiserver.webhook.WebhookTarget;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * kube's webhook authorization ({@code --authorization-mode=...,Webhook} with
 * {@code --authorization-webhook-config-file}): asks a remote service by POSTing a SubjectAccessReview to the
 * server of a kubeconfig, e.g.
 * <pre>{@code {"apiVersion":"authorization.k8s.io/v1beta1","kind":"SubjectAccessReview","metadata":{},
 *  "spec":{"resourceAttributes":{"namespace":"team-a","verb":"get","version":"v1","resource":"pods","name":"web"},
 *  "user":"alice","group":["devs","system:authenticated"]},"status":{"allowed":false}}}</pre>
 * ({@code groups} in v1), and reading {@code status}: {@code allowed} allows, {@code denied} denies (the next
 * authorizers are not asked), neither has no opinion; {@code reason} goes with the decision; both at once deny with
 * an error, as kube. Answers are remembered (allowed ones for the authorized TTL, others for the unauthorized TTL;
 * at most {@link #MAX_ENTRIES}; not those of requests whose attributes are {@link #MAX_CACHED_SIZE} characters or
 * more, as kube); a call that fails is not: it has no opinion with the error (a 500 when no other
 * authorizer allows), is tried again as kube's webhooks are ({@link WebhookTarget#review}, all within 30 s) and
 * logged at most every 10 s. An answer with a field of the wrong type ({@code "allowed":"true"}) is such a failure,
 * or of another kind, as Go's decoder finds it. {@code system:masters} never reaches it (that authorizer comes first).
 */
public final class WebhookAuthorizer implements Authorizer, AutoCloseable {

    static final int MAX_ENTRIES = 8192;
    /** What kube names the webhook of {@code --authorization-mode=...,Webhook} (its metrics' {@code name}). */
    public static final String MODE_NAME = "default";
    /** Attributes this long are not remembered (kube: "may be a DoS attempt"), so the cache's memory stays small. */
    static final int MAX_CACHED_SIZE = 10_000;
    /** How long one decision may take, its retries included. */
    static final Duration DECISION_BUDGET = Duration.ofSeconds(30);
    /** kube's evaluation error for rules a webhook cannot list (SelfSubjectRulesReview). */
    public static final String NO_RULES = "webhook authorizer does not support user rule resolution";

    /** The answers' lifetimes: {@code --authorization-webhook-cache-authorized-ttl} and {@code -unauthorized-ttl}. */
    public record CacheTtls(Duration authorized, Duration unauthorized) {
    }

    /**
     * How one webhook is asked. {@code --authorization-webhook-*}'s: 30 s per call, no opinion on failure, no
     * conditions; {@code --authorization-config} names each.
     *
     * @param version       {@code v1} or {@code v1beta1}: the SubjectAccessReview sent
     * @param callTimeout   one HTTP call's (each try's) time limit
     * @param denyOnFailure {@code failurePolicy: Deny}: a failure denies (still with its error, so still a 500)
     * @param conditions    what must hold for the webhook to be asked
     */
    public record Settings(String version, CacheTtls ttls, Duration callTimeout, boolean denyOnFailure,
                           WebhookMatchConditions conditions) {
        public Settings {
            if (!version.equals("v1") && !version.equals("v1beta1")) {
                throw new IllegalArgumentException("unsupported webhook authorizer version \"" + version
                        + "\", supported versions are \"v1\", \"v1beta1\"");
            }
        }
    }

    private final WebhookTarget target;
    private final Settings settings;
    private final Duration initialBackoff;
    private final String name;
    private final AuthorizationMetrics metrics;
    private final AnswerCache<Decision> answers = new AnswerCache<>(MAX_ENTRIES, System::nanoTime);
    private final FailureLog failures = new FailureLog(WebhookAuthorizer.class,
            "Failed to make webhook authorizer request");

    /** @param version {@code v1} or {@code v1beta1} ({@code --authorization-webhook-version}) */
    public WebhookAuthorizer(WebhookTarget target, String version, CacheTtls ttls, Duration initialBackoff) {
        this(target, new Settings(version, ttls, WebhookTarget.CALL_TIMEOUT, false, WebhookMatchConditions.none()),
                initialBackoff);
    }

    public WebhookAuthorizer(WebhookTarget target, Settings settings, Duration initialBackoff) {
        this(target, settings, initialBackoff, MODE_NAME, AuthorizationMetrics.NONE);
    }

    /** @param name the authorizer's name in {@code --authorization-config} ({@link #MODE_NAME} for the mode's) */
    public WebhookAuthorizer(WebhookTarget target, Settings settings, Duration initialBackoff, String name,
                             AuthorizationMetrics metrics) {
        this.name = name;
        this.metrics = metrics;
        this.target = target;
        this.settings = settings;
        this.initialBackoff = initialBackoff;
    }

    @Override
    public Decision authorize(AuthorizationAttributes attributes) {
        if (!settings.conditions().isEmpty()) {
            WebhookMatchConditions.Result match;
            long started = System.nanoTime();
            try {
                match = settings.conditions().evaluate(attributes);
            } catch (RuntimeException e) { // never throws: what kept the conditions from an answer is a failure
                match = new WebhookMatchConditions.Result(false, "cel evaluation error: " + e);
            }
            metrics.matchConditionsEvaluated("Webhook", name, Duration.ofNanos(System.nanoTime() - started),
                    !match.matches() && match.error() == null, match.error() != null);
            if (match.error() != null) {
                return failure(match.error());
            }
            if (!match.matches()) {
                return Decision.noOpinion("");
            }
        }
        ObjectNode review = review(attributes);
        String key = review.path("spec").toString();
        Decision remembered = answers.get(key);
        if (remembered != null) {
            return remembered;
        }
        boolean allowed;
        boolean denied;
        String reason;
        String[] lastResult = {"error"};
        WebhookTarget.Tries tries = (took, code, failure) -> { // kube counts each round trip
            lastResult[0] = result(code, failure);
            metrics.webhookEvaluated(name, lastResult[0], took);
        };
        try {
            JsonNode answer = target.review(Json.MAPPER.writeValueAsBytes(review), initialBackoff,
                    settings.callTimeout(), System.nanoTime() + DECISION_BUDGET.toNanos(), tries);
            ReviewFields.envelope(answer, "SubjectAccessReview");
            JsonNode status = ReviewFields.object(answer, "status", "status");
            allowed = ReviewFields.bool(status, "allowed", "status.allowed");
            denied = ReviewFields.bool(status, "denied", "status.denied");
            reason = ReviewFields.string(status, "reason", "status.reason");
            ReviewFields.string(status, "evaluationError", "status.evaluationError");
        } catch (IOException | RuntimeException e) { // never throws: a failure is no opinion with its error
            String error = e.getMessage() == null ? e.toString() : e.getMessage();
            failures.failed(error);
            if (!settings.denyOnFailure() && !(e instanceof InterruptedIOException)) {
                metrics.webhookFailedOpen(name, lastResult[0]);
            }
            if (e instanceof InterruptedIOException) {
                Thread.currentThread().interrupt();
            }
            return failure(error);
        }
        if (allowed && denied) {
            return new Decision(Decision.Kind.DENY, reason,
                    "webhook subject access review returned both allow and deny response");
        }
        Decision decision = allowed ? Decision.allow(reason) : denied ? Decision.deny(reason) : Decision.noOpinion(reason);
        if (cacheable(attributes)) {
            answers.put(key, decision, (allowed ? settings.ttls().authorized() : settings.ttls().unauthorized()).toNanos());
        }
        return decision;
    }

    /** kube's result of one round trip: success, canceled, timeout (a deadline or a 504) or error. */
    private static String result(int code, IOException failure) {
        if (failure == null) {
            return "success";
        }
        if (failure instanceof InterruptedIOException) {
            return "canceled";
        }
        String m = failure.getMessage();
        return code == 504 || m != null && m.endsWith(WebhookClient.CONTEXT_DEADLINE) ? "timeout" : "error";
    }

    /** A failure's decision: no opinion, or with {@code failurePolicy: Deny} a denial; either carries the error. */
    private Decision failure(String error) {
        return settings.denyOnFailure() ? new Decision(Decision.Kind.DENY, "", error) : Decision.failed(error);
    }

    /** kube's {@code shouldCache}: not a request whose attributes add up to {@link #MAX_CACHED_SIZE} or more. */
    private static boolean cacheable(AuthorizationAttributes a) {
        long size = 0;
        for (String s : new String[] {a.namespace(), a.verb(), a.apiGroup(), a.apiVersion(), a.resource(),
                a.subresource(), a.name(), a.path()}) {
            size += s == null ? 0 : s.length();
        }
        return size < MAX_CACHED_SIZE;
    }

    /** The SubjectAccessReview for the attributes, with Go's empty fields left out. */
    private ObjectNode review(AuthorizationAttributes a) {
        ObjectNode review = Json.MAPPER.createObjectNode().put("apiVersion", "authorization.k8s.io/" + settings.version())
                .put("kind", "SubjectAccessReview");
        review.putObject("metadata");
        ObjectNode spec = review.putObject("spec");
        if (a.resourceRequest()) {
            ObjectNode r = spec.putObject("resourceAttributes");
            putIfSet(r, "namespace", a.namespace());
            putIfSet(r, "verb", a.verb());
            putIfSet(r, "group", a.apiGroup());
            putIfSet(r, "version", a.apiVersion());
            putIfSet(r, "resource", a.resource());
            putIfSet(r, "subresource", a.subresource());
            putIfSet(r, "name", a.name());
            putSelector(r, "fieldSelector", a.selectors().fields());
            putSelector(r, "labelSelector", a.selectors().labels());
        } else {
            ObjectNode n = spec.putObject("nonResourceAttributes");
            putIfSet(n, "path", a.path());
            putIfSet(n, "verb", a.verb());
        }
        UserInfo user = a.user();
        putIfSet(spec, "user", user.name());
        if (!user.groups().isEmpty()) {
            user.groups().forEach(spec.putArray(settings.version().equals("v1") ? "groups" : "group")::add);
        }
        if (!user.extra().isEmpty()) {
            ObjectNode extra = spec.putObject("extra");
            for (Map.Entry<String, List<String>> e : user.extra().entrySet()) {
                e.getValue().forEach(extra.putArray(e.getKey())::add);
            }
        }
        putIfSet(spec, "uid", user.uid());
        review.putObject("status").put("allowed", false);
        return review;
    }

    /** kube's {@code FieldSelectorAttributes} / {@code LabelSelectorAttributes}: requirements only, when any. */
    private static void putSelector(ObjectNode node, String field, List<AuthorizationSelectors.Requirement> requirements) {
        if (requirements.isEmpty()) {
            return;
        }
        ArrayNode list = node.putObject(field).putArray("requirements");
        for (AuthorizationSelectors.Requirement r : requirements) {
            ObjectNode requirement = list.addObject().put("key", r.key()).put("operator", r.operator());
            if (!r.values().isEmpty()) {
                r.values().forEach(requirement.putArray("values")::add);
            }
        }
    }

    private static void putIfSet(ObjectNode node, String field, String value) {
        if (value != null && !value.isEmpty()) {
            node.put(field, value);
        }
    }

    /**
     * Ends this webhook's connections at once (calls still running fail): for a webhook no chain uses any more,
     * once the calls it may still make are over ({@link #DECISION_BUDGET}).
     */
    @Override
    public void close() {
        target.http().shutdownNow();
    }

    /** The webhooks {@code authorizer} is or asks (in a chain, reloadable or not). */
    public static List<WebhookAuthorizer> in(Authorizer authorizer) {
        return ChainRules.members(authorizer).stream().filter(WebhookAuthorizer.class::isInstance)
                .map(WebhookAuthorizer.class::cast).toList();
    }

    /** Whether {@code authorizer} is, or (in a chain, reloadable or not) asks, a webhook. */
    public static boolean among(Authorizer authorizer) {
        return !in(authorizer).isEmpty();
    }
}
