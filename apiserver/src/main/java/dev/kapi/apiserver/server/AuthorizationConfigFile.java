package dev.kapi.apiserver.server;

import dev.kapi.apiserver.api.GoAggregate;
import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.GoDuration;
import dev.kapi.apiserver.api.selection.LabelValidation;
import dev.kapi.apiserver.authz.WebhookMatchConditions;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static dev.kapi.apiserver.server.ConfigFileReader.q;

/**
 * {@code --authorization-config}: kube's AuthorizationConfiguration ({@code apiserver.config.k8s.io/v1}, also
 * {@code v1beta1} and {@code v1alpha1}), YAML or JSON, read strictly (an unknown field is an error), defaulted
 * (a webhook's {@code authorizedTTL} 5m, {@code unauthorizedTTL} 30s) and validated as kube validates it, with its
 * messages (e.g. {@code authorizers[1].timeout: Invalid value: "1m0s": must be > 0s and <= 30s}; kube reports a
 * webhook's fields under the authorizer's path). For example:
 * <pre>{@code
 * apiVersion: apiserver.config.k8s.io/v1
 * kind: AuthorizationConfiguration
 * authorizers:
 * - type: Webhook
 *   name: policy-engine
 *   webhook:
 *     timeout: 3s
 *     subjectAccessReviewVersion: v1
 *     matchConditionSubjectAccessReviewVersion: v1
 *     failurePolicy: NoOpinion
 *     connectionInfo: {type: KubeConfigFile, kubeConfigFile: /etc/kapi/authz-webhook.yaml}
 *     matchConditions:
 *     - expression: has(request.resourceAttributes) && request.resourceAttributes.namespace == 'team-a'
 * - type: RBAC
 *   name: rbac
 * }</pre>
 */
public final class AuthorizationConfigFile {

    static final List<String> TYPES = List.of("ABAC", "AlwaysAllow", "AlwaysDeny", "Node", "RBAC", "Webhook");
    private static final Set<String> API_VERSIONS = Set.of("apiserver.config.k8s.io/v1",
            "apiserver.config.k8s.io/v1beta1", "apiserver.config.k8s.io/v1alpha1");
    private static final Map<String, Set<String>> FIELDS = Map.of(
            "", Set.of("apiVersion", "kind", "authorizers"),
            "authorizers[]", Set.of("type", "name", "webhook"),
            "webhook", Set.of("authorizedTTL", "unauthorizedTTL", "timeout", "subjectAccessReviewVersion",
                    "matchConditionSubjectAccessReviewVersion", "failurePolicy", "connectionInfo", "matchConditions"),
            "connectionInfo", Set.of("type", "kubeConfigFile"),
            "matchConditions[]", Set.of("expression"));
    private static final Duration MAX_TIMEOUT = Duration.ofSeconds(30);
    private static final ConfigFileReader READER = new ConfigFileReader(
            "failed to load AuthorizationConfiguration from file: ", FIELDS);

    /** One authorizer, in order; {@code webhook} only for type Webhook. */
    public record Entry(String type, String name, Webhook webhook) {
    }

    /**
     * A webhook's settings. {@code kubeConfigFile} is null unless {@code connectionType} is KubeConfigFile.
     */
    public record Webhook(Duration authorizedTtl, Duration unauthorizedTtl, Duration timeout, String version,
                          String matchConditionVersion, String failurePolicy, String connectionType,
                          String kubeConfigFile, List<String> matchConditions) {
    }

    private AuthorizationConfigFile() {
    }

    /**
     * The file's authorizers.
     *
     * @throws IllegalArgumentException what is wrong with it, kube's field errors joined as {@code [e1, e2]}
     * @throws IOException              when it cannot be read
     */
    public static List<Entry> load(Path file) throws IOException {
        return parse(StructuredAuthorization.read(file));
    }

    /** {@link #load} of the file's bytes. */
    static List<Entry> parse(byte[] bytes) {
        JsonNode root = READER.read(bytes);
        if (root == null) { // kube decodes an empty file to an empty configuration, which has no authorizers
            root = tools.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                    .put("apiVersion", "apiserver.config.k8s.io/v1").put("kind", "AuthorizationConfiguration");
        }
        String apiVersion = root.path("apiVersion").asString("");
        String kind = root.path("kind").asString("");
        if (!API_VERSIONS.contains(apiVersion) || !kind.equals("AuthorizationConfiguration")) {
            throw READER.failure("expected kind AuthorizationConfiguration of apiserver.config.k8s.io/v1 (or v1beta1, "
                    + "v1alpha1), got \"" + kind + "\" of \"" + apiVersion + "\"", null);
        }
        READER.checkFields(root);
        List<Entry> entries = new ArrayList<>();
        for (JsonNode a : READER.list(root, "authorizers", "authorizers")) {
            entries.add(new Entry(READER.string(a, "type", "authorizers.type"),
                    READER.string(a, "name", "authorizers.name"),
                    a.hasNonNull("webhook") ? webhook(READER.object(a.get("webhook"), "authorizers.webhook")) : null));
        }
        List<FieldError> errors = validate(entries);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(GoAggregate.of(errors.stream().map(FieldError::toString).toList()));
        }
        for (Entry e : entries) { // kube-apiserver's own rule, after validation
            String expected = e.type().toLowerCase(Locale.ROOT);
            if (!e.type().equals("Webhook") && !e.name().equals(expected)) {
                throw new IllegalArgumentException("expected name " + expected + " for authorizer " + e.type()
                        + " instead of " + e.name());
            }
        }
        return List.copyOf(entries);
    }

    private static Webhook webhook(JsonNode w) {
        String where = "authorizers.webhook.";
        JsonNode info = w.hasNonNull("connectionInfo")
                ? READER.object(w.get("connectionInfo"), where + "connectionInfo")
                : tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        List<String> conditions = new ArrayList<>();
        for (JsonNode c : READER.list(w, "matchConditions", "matchConditions")) {
            conditions.add(READER.string(READER.object(c, where + "matchConditions"), "expression",
                    where + "matchConditions.expression"));
        }
        Duration authorized = duration(w, "authorizedTTL");
        Duration unauthorized = duration(w, "unauthorizedTTL");
        return new Webhook(authorized.isZero() ? Duration.ofMinutes(5) : authorized,
                unauthorized.isZero() ? Duration.ofSeconds(30) : unauthorized, duration(w, "timeout"),
                READER.string(w, "subjectAccessReviewVersion", where + "subjectAccessReviewVersion"),
                READER.string(w, "matchConditionSubjectAccessReviewVersion",
                        where + "matchConditionSubjectAccessReviewVersion"),
                READER.string(w, "failurePolicy", where + "failurePolicy"),
                READER.string(info, "type", where + "connectionInfo.type"),
                info.hasNonNull("kubeConfigFile")
                        ? READER.string(info, "kubeConfigFile", where + "connectionInfo.kubeConfigFile")
                        : null, List.copyOf(conditions));
    }

    /** kube's {@code ValidateAuthorizationConfiguration}, in its order. */
    static List<FieldError> validate(List<Entry> entries) {
        List<FieldError> errors = new ArrayList<>();
        if (entries.isEmpty()) {
            errors.add(FieldError.required("authorizers", "at least one authorization mode must be defined"));
        }
        Set<String> types = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            String at = "authorizers[" + i + "]";
            if (e.type().isEmpty()) {
                errors.add(FieldError.required(at + ".type", ""));
                continue;
            }
            if (!TYPES.contains(e.type())) {
                errors.add(FieldError.notSupported(at + ".type", q(e.type()), TYPES));
                continue;
            }
            if (!types.add(e.type()) && !e.type().equals("Webhook")) {
                errors.add(FieldError.duplicate(at + ".type", q(e.type())));
                continue;
            }
            if (e.name().isEmpty()) {
                errors.add(FieldError.required(at + ".name", ""));
            } else if (!names.add(e.name())) {
                errors.add(FieldError.duplicate(at + ".name", q(e.name())));
            } else {
                List<String> invalid = LabelValidation.dns1123Subdomain(e.name());
                if (!invalid.isEmpty()) {
                    errors.add(FieldError.invalid(at + ".name", q(e.name()),
                            "authorizer name is invalid: " + String.join(", ", invalid)));
                }
            }
            if (e.type().equals("Webhook")) {
                if (e.webhook() == null) {
                    errors.add(FieldError.required(at + ".webhook", "required when type=Webhook"));
                } else {
                    validateWebhook(e.webhook(), at, errors);
                }
            } else if (e.webhook() != null) {
                errors.add(FieldError.invalid(at + ".webhook", "non-null", "may only be specified when type=Webhook"));
            }
        }
        return errors;
    }

    private static void validateWebhook(Webhook w, String at, List<FieldError> errors) {
        if (w.timeout().isZero()) {
            errors.add(FieldError.required(at + ".timeout", ""));
        } else if (w.timeout().isNegative() || w.timeout().compareTo(MAX_TIMEOUT) > 0) {
            errors.add(FieldError.invalid(at + ".timeout", GoDuration.format(w.timeout().toNanos()),
                    "must be > 0s and <= 30s"));
        }
        if (w.authorizedTtl().isNegative()) {
            errors.add(FieldError.invalid(at + ".authorizedTTL", GoDuration.format(w.authorizedTtl().toNanos()),
                    "must be > 0s"));
        }
        if (w.unauthorizedTtl().isNegative()) {
            errors.add(FieldError.invalid(at + ".unauthorizedTTL", GoDuration.format(w.unauthorizedTtl().toNanos()),
                    "must be > 0s"));
        }
        if (w.version().isEmpty()) {
            errors.add(FieldError.required(at + ".subjectAccessReviewVersion", ""));
        } else if (!w.version().equals("v1") && !w.version().equals("v1beta1")) {
            errors.add(FieldError.notSupported(at + ".subjectAccessReviewVersion", q(w.version()), List.of("v1", "v1beta1")));
        }
        String conditionsVersion = at + ".matchConditionSubjectAccessReviewVersion";
        if (w.matchConditionVersion().isEmpty() && !w.matchConditions().isEmpty()) {
            errors.add(FieldError.required(conditionsVersion, "required if match conditions are specified"));
        } else if (!w.matchConditionVersion().isEmpty() && !w.matchConditionVersion().equals("v1")) {
            errors.add(FieldError.notSupported(conditionsVersion, q(w.matchConditionVersion()), List.of("v1")));
        }
        if (w.failurePolicy().isEmpty()) {
            errors.add(FieldError.required(at + ".failurePolicy", ""));
        } else if (!w.failurePolicy().equals("NoOpinion") && !w.failurePolicy().equals("Deny")) {
            errors.add(FieldError.notSupported(at + ".failurePolicy", q(w.failurePolicy()), List.of("NoOpinion", "Deny")));
        }
        validateConnection(w, at + ".connectionInfo", errors);
        validateConditions(w.matchConditions(), at + ".matchConditions", errors);
    }

    private static void validateConnection(Webhook w, String at, List<FieldError> errors) {
        String file = w.kubeConfigFile();
        switch (w.connectionType()) {
            case "" -> errors.add(FieldError.required(at + ".type", ""));
            case "InClusterConfig" -> {
                if (file != null) {
                    errors.add(FieldError.invalid(at + ".kubeConfigFile", q(file),
                            "can only be set when type=KubeConfigFile"));
                }
            }
            case "KubeConfigFile" -> {
                if (file == null || file.isEmpty()) {
                    errors.add(FieldError.required(at + ".kubeConfigFile", ""));
                } else if (!Path.of(file).isAbsolute()) {
                    errors.add(FieldError.invalid(at + ".kubeConfigFile", q(file), "must be an absolute path"));
                } else if (!Files.exists(Path.of(file))) {
                    errors.add(FieldError.invalid(at + ".kubeConfigFile", q(file),
                            "error loading file: stat " + file + ": no such file or directory"));
                } else if (!Files.isRegularFile(Path.of(file))) {
                    errors.add(FieldError.invalid(at + ".kubeConfigFile", q(file), "must be a regular file"));
                }
            }
            default -> errors.add(FieldError.notSupported(at + ".type", q(w.connectionType()),
                    List.of("InClusterConfig", "KubeConfigFile")));
        }
    }

    private static void validateConditions(List<String> conditions, String at, List<FieldError> errors) {
        if (conditions.size() > WebhookMatchConditions.MAX) {
            errors.add(new FieldError(FieldError.Type.TOO_MANY, at, conditions.size(),
                    "must have at most " + WebhookMatchConditions.MAX + " items"));
            return;
        }
        Set<String> seen = new HashSet<>();
        for (int j = 0; j < conditions.size(); j++) {
            String expression = conditions.get(j);
            String field = at + "[" + j + "].expression";
            if (expression.isBlank()) {
                errors.add(FieldError.required(field, ""));
            } else if (!seen.add(expression)) {
                errors.add(FieldError.duplicate(field, q(expression)));
            } else {
                String error = WebhookMatchConditions.compileError(expression);
                if (error != null) {
                    errors.add(FieldError.invalid(field, q(expression), error));
                }
            }
        }
    }

    private static Duration duration(JsonNode w, String field) {
        String s = READER.string(w, field, "authorizers.webhook." + field);
        try {
            return s.isEmpty() ? Duration.ZERO : GoDuration.parse(s);
        } catch (IllegalArgumentException e) {
            throw READER.failure("authorizers.webhook." + field + ": " + e.getMessage(), e);
        }
    }
}
