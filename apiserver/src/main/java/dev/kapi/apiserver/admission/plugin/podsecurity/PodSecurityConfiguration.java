package dev.kapi.apiserver.admission.plugin.podsecurity;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.GoQuote;
import dev.kapi.apiserver.api.selection.NameSyntax;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * kube's PodSecurityConfiguration ({@code pod-security.admission.config.k8s.io/v1}, also {@code v1beta1} and
 * {@code v1alpha1}), the PodSecurity plugin's entry of {@code --admission-control-config-file}:
 *
 * <pre>
 * apiVersion: pod-security.admission.config.k8s.io/v1
 * kind: PodSecurityConfiguration
 * defaults: {enforce: baseline, enforce-version: latest, audit: restricted, warn: restricted}
 * exemptions: {usernames: [admin], namespaces: [kube-system], runtimeClasses: [kata]}
 * </pre>
 *
 * A default left out is {@code privileged} / {@code latest}; an absent or empty configuration is all defaults.
 * Decoding is strict (an unknown field is an error), as kube's.
 */
public record PodSecurityConfiguration(Policy defaults, Set<String> exemptUsernames, Set<String> exemptNamespaces,
                                       Set<String> exemptRuntimeClasses) {

    public static final PodSecurityConfiguration DEFAULT = new PodSecurityConfiguration(Policy.PRIVILEGED, Set.of(),
            Set.of(), Set.of());

    private static final Set<String> API_VERSIONS = Set.of("pod-security.admission.config.k8s.io/v1",
            "pod-security.admission.config.k8s.io/v1beta1", "pod-security.admission.config.k8s.io/v1alpha1");
    private static final Set<String> TOP = Set.of("apiVersion", "kind", "defaults", "exemptions");
    private static final List<String> MODES = List.of("enforce", "audit", "warn");
    private static final Set<String> DEFAULTS = Set.of("enforce", "enforce-version", "audit", "audit-version", "warn",
            "warn-version");
    private static final Set<String> EXEMPTIONS = Set.of("usernames", "namespaces", "runtimeClasses");

    /**
     * Reads the plugin's configuration.
     *
     * @throws IllegalArgumentException naming every problem, in kube's words where kube has them
     */
    public static PodSecurityConfiguration parse(JsonNode config) {
        if (config == null || config.isNull() || config.isObject() && config.isEmpty()) {
            return DEFAULT;
        }
        if (!config.isObject()) {
            throw new IllegalArgumentException("expected a PodSecurityConfiguration object");
        }
        String apiVersion = config.path("apiVersion").asString("");
        String kind = config.path("kind").asString("");
        if (!API_VERSIONS.contains(apiVersion) || !"PodSecurityConfiguration".equals(kind)) {
            throw new IllegalArgumentException("expected kind PodSecurityConfiguration of "
                    + "pod-security.admission.config.k8s.io/v1, got kind " + GoQuote.quote(kind) + " of apiVersion "
                    + GoQuote.quote(apiVersion));
        }
        List<String> errors = new ArrayList<>();
        unknownFields(config, TOP, "", errors);
        JsonNode defaults = config.path("defaults");
        unknownFields(defaults, DEFAULTS, "defaults.", errors);
        JsonNode exemptions = config.path("exemptions");
        unknownFields(exemptions, EXEMPTIONS, "exemptions.", errors);
        LevelVersion[] modes = new LevelVersion[3];
        for (int i = 0; i < 3; i++) {
            String mode = MODES.get(i);
            String level = string(defaults, mode, "privileged", errors);
            String version = string(defaults, mode + "-version", "latest", errors);
            modes[i] = new LevelVersion(Level.parse(level).orElseGet(() -> {
                errors.add(FieldError.invalid("defaults." + mode, level, Level.INVALID).toString());
                return Level.PRIVILEGED;
            }), PolicyVersion.parse(version).orElseGet(() -> {
                errors.add(FieldError.invalid("defaults." + mode + "-version", version, PolicyVersion.INVALID)
                        .toString());
                return PolicyVersion.LATEST;
            }));
        }
        Set<String> namespaces = names(exemptions, "namespaces", NameSyntax::isDns1123Label,
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start"
                        + " and end with an alphanumeric character", errors);
        Set<String> runtimeClasses = names(exemptions, "runtimeClasses", NameSyntax::isDns1123Subdomain,
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and"
                        + " must start and end with an alphanumeric character", errors);
        Set<String> usernames = names(exemptions, "usernames", s -> !s.isEmpty(), "username must not be empty",
                errors);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(errors.size() == 1 ? errors.getFirst()
                    : "[" + String.join(", ", errors) + "]");
        }
        return new PodSecurityConfiguration(new Policy(modes[0], modes[1], modes[2]), usernames, namespaces,
                runtimeClasses);
    }

    private static void unknownFields(JsonNode node, Set<String> known, String prefix, List<String> errors) {
        if (node.isMissingNode() || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            errors.add(prefix.isEmpty() ? "not an object" : prefix.substring(0, prefix.length() - 1)
                    + ": expected an object");
            return;
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!known.contains(e.getKey())) {
                errors.add("strict decoding error: unknown field \"" + prefix + e.getKey() + "\"");
            }
        }
    }

    private static String string(JsonNode parent, String field, String absent, List<String> errors) {
        JsonNode n = parent.path(field);
        if (n.isMissingNode() || n.isNull() || n.isString() && n.asString().isEmpty()) {
            return absent;
        }
        if (!n.isString()) {
            errors.add("defaults." + field + ": expected a string");
            return absent;
        }
        return n.asString();
    }

    private static Set<String> names(JsonNode exemptions, String field, Predicate<String> valid, String why,
                                     List<String> errors) {
        JsonNode list = exemptions.path(field);
        Set<String> names = new LinkedHashSet<>();
        if (list.isMissingNode() || list.isNull()) {
            return Set.of();
        }
        if (!list.isArray()) {
            errors.add("exemptions." + field + ": expected a list of strings");
            return Set.of();
        }
        for (int i = 0; i < list.size(); i++) {
            String path = "exemptions." + field + "[" + i + "]";
            JsonNode n = list.get(i);
            String name = n.isString() ? n.asString() : null;
            if (name == null) {
                errors.add(path + ": expected a string");
            } else if (!valid.test(name)) {
                errors.add(FieldError.invalid(path, name, why).toString());
            } else if (!names.add(name)) {
                errors.add(FieldError.duplicate(path, name).toString());
            }
        }
        return Set.copyOf(names);
    }
}
