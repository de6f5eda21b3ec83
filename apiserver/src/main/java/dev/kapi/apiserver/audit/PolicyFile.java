package dev.kapi.apiserver.audit;

import dev.kapi.apiserver.api.FieldError;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads {@code --audit-policy-file}: an {@code audit.k8s.io/v1} Policy in YAML or JSON, validated as kube
 * validates it (levels and stages by name, non-resource URLs starting with {@code /} and with {@code *} only
 * last, never both resources and non-resource URLs in one rule, resourceNames only with resources, group
 * names DNS subdomains, at least one rule). Unknown fields are ignored, as kube's decoder does. A file that
 * cannot be used is an {@link InvalidPolicyException} whose message says why in one line.
 */
public final class PolicyFile {

    public static final String API_VERSION = "audit.k8s.io/v1";
    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final List<String> LEVELS = Arrays.stream(Level.values()).map(Enum::name).toList();
    private static final List<String> STAGES = Arrays.stream(Stage.values()).map(Enum::name).toList();

    /** Why a policy file cannot be used. */
    public static final class InvalidPolicyException extends RuntimeException {
        InvalidPolicyException(String message) {
            super(message);
        }
    }

    private PolicyFile() {
    }

    public static Policy load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidPolicyException("failed to read file path \"" + file + "\": "
                    + (e instanceof java.nio.file.NoSuchFileException ? "open " + file + ": no such file or directory"
                    : e.toString()));
        }
        return parse(bytes);
    }

    /** Parses and validates a policy document. */
    public static Policy parse(byte[] bytes) {
        JsonNode root;
        try {
            root = YAML.readTree(bytes);
        } catch (JacksonException e) {
            throw new InvalidPolicyException("failed decoding: " + e.getOriginalMessage().replaceAll("\\s+", " "));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidPolicyException("failed decoding: the file is not a Policy object");
        }
        String apiVersion = root.path("apiVersion").asString("");
        String kind = root.path("kind").asString("");
        if (!API_VERSION.equals(apiVersion) || !"Policy".equals(kind)) {
            throw new InvalidPolicyException("unknown group version field " + (apiVersion.isEmpty() ? "/" : apiVersion)
                    + ", Kind=" + kind + " in policy: expected apiVersion " + API_VERSION + " and kind Policy");
        }
        List<FieldError> errors = new ArrayList<>();
        List<Policy.Rule> rules = new ArrayList<>();
        JsonNode ruleNodes = root.path("rules");
        if (!ruleNodes.isMissingNode() && !ruleNodes.isNull() && !ruleNodes.isArray()) {
            throw new InvalidPolicyException("failed decoding: rules: expected a list of rules");
        }
        int i = 0;
        for (JsonNode r : ruleNodes) {
            rules.add(rule(r, "rules[" + i++ + "]", errors));
        }
        List<Stage> omit = stages(root.path("omitStages"), "omitStages", errors);
        boolean omitManagedFields = bool(root.path("omitManagedFields"), "omitManagedFields");
        if (!errors.isEmpty()) {
            throw new InvalidPolicyException(aggregate(errors));
        }
        if (rules.isEmpty()) {
            throw new InvalidPolicyException("loaded illegal policy with 0 rules");
        }
        return new Policy(List.copyOf(rules), omit, omitManagedFields);
    }

    private static Policy.Rule rule(JsonNode r, String path, List<FieldError> errors) {
        if (!r.isObject()) {
            throw new InvalidPolicyException("failed decoding: " + path + ": expected an object");
        }
        Level level = level(r.path("level"), path + ".level", errors);
        List<String> urls = strings(r.path("nonResourceURLs"), path + ".nonResourceURLs");
        for (int i = 0; i < urls.size(); i++) {
            String url = urls.get(i);
            if (url.equals("*")) {
                continue;
            }
            if (!url.startsWith("/")) {
                errors.add(FieldError.invalid(path + ".nonResourceURLs[" + i + "]", url,
                        "non-resource URL rules must begin with a '/' character"));
            }
            if (!url.isEmpty() && url.substring(0, url.length() - 1).contains("*")) {
                errors.add(FieldError.invalid(path + ".nonResourceURLs[" + i + "]", url,
                        "non-resource URL wildcards '*' must be the final character of the rule"));
            }
        }
        List<Policy.GroupResources> resources = new ArrayList<>();
        JsonNode rs = r.path("resources");
        if (!rs.isMissingNode() && !rs.isNull() && !rs.isArray()) {
            throw new InvalidPolicyException("failed decoding: " + path + ".resources: expected a list");
        }
        for (JsonNode gr : rs) {
            String group = gr.path("group").asString("");
            List<String> names = strings(gr.path("resources"), path + ".resources.resources");
            List<String> resourceNames = strings(gr.path("resourceNames"), path + ".resources.resourceNames");
            if (!group.isEmpty() && (group.length() > 253 || !DNS_SUBDOMAIN.matcher(group).matches())) {
                errors.add(FieldError.invalid(path + ".resources.group", group, "a lowercase RFC 1123 subdomain "
                        + "must consist of lower case alphanumeric characters, '-' or '.', and must start and end "
                        + "with an alphanumeric character (e.g. 'example.com', regex used for validation is "
                        + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"));
            }
            if (!resourceNames.isEmpty() && names.isEmpty()) {
                errors.add(FieldError.invalid(path + ".resources.resourceNames", resourceNames,
                        "using resourceNames requires at least one resource"));
            }
            resources.add(new Policy.GroupResources(group, names, resourceNames));
        }
        List<String> namespaces = strings(r.path("namespaces"), path + ".namespaces");
        if (!urls.isEmpty() && (!resources.isEmpty() || !namespaces.isEmpty())) {
            errors.add(FieldError.invalid(path + ".nonResourceURLs", urls,
                    "rules cannot apply to both regular resources and non-resource URLs"));
        }
        JsonNode omf = r.path("omitManagedFields");
        Boolean omitManagedFields = omf.isMissingNode() || omf.isNull() ? null : bool(omf, path + ".omitManagedFields");
        return new Policy.Rule(level, strings(r.path("users"), path + ".users"),
                strings(r.path("userGroups"), path + ".userGroups"), strings(r.path("verbs"), path + ".verbs"),
                List.copyOf(resources), namespaces, urls, stages(r.path("omitStages"), path + ".omitStages", errors),
                omitManagedFields);
    }

    private static Level level(JsonNode n, String path, List<FieldError> errors) {
        String s = n.isMissingNode() || n.isNull() ? "" : n.asString("");
        if (s.isEmpty()) {
            errors.add(FieldError.required(path, ""));
            return Level.None;
        }
        if (!LEVELS.contains(s)) {
            errors.add(FieldError.notSupported(path, s, LEVELS));
            return Level.None;
        }
        return Level.valueOf(s);
    }

    private static List<Stage> stages(JsonNode n, String path, List<FieldError> errors) {
        List<String> names = strings(n, path);
        List<Stage> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (STAGES.contains(names.get(i))) {
                out.add(Stage.valueOf(names.get(i)));
            } else {
                errors.add(FieldError.invalid(path + "[" + i + "]", names.get(i),
                        "allowed stages are " + String.join(",", STAGES)));
            }
        }
        return List.copyOf(out);
    }

    private static List<String> strings(JsonNode n, String path) {
        if (n.isMissingNode() || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw new InvalidPolicyException("failed decoding: " + path + ": expected a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isString()) {
                throw new InvalidPolicyException("failed decoding: " + path + ": expected a list of strings");
            }
            out.add(e.asString());
        }
        return List.copyOf(out);
    }

    private static boolean bool(JsonNode n, String path) {
        if (n.isMissingNode() || n.isNull()) {
            return false;
        }
        if (!n.isBoolean()) {
            throw new InvalidPolicyException("failed decoding: " + path + ": expected true or false");
        }
        return n.asBoolean();
    }

    /** Go's aggregate of field errors: the one error, or {@code [e1, e2]}. */
    private static String aggregate(List<FieldError> errors) {
        List<String> lines = errors.stream().map(FieldError::toString).toList();
        return lines.size() == 1 ? lines.getFirst() : "[" + String.join(", ", lines) + "]";
    }
}
