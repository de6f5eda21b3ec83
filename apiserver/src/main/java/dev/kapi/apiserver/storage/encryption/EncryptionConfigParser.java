package dev.kapi.apiserver.storage.encryption;

import dev.kapi.apiserver.storage.encryption.EncryptionConfiguration.InvalidEncryptionConfiguration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * Reads an {@link EncryptionConfiguration} node by node, collecting kube's field errors ({@code
 * resources[0].providers[1].aescbc.keys[0].secret: Invalid value: "REDACTED": ...}) and refusing them all at once.
 */
final class EncryptionConfigParser {

    private static final List<Integer> AES_KEY_SIZES = List.of(16, 24, 32);
    private static final List<Integer> SECRETBOX_KEY_SIZES = List.of(32);
    private static final String ANY = GroupResource.ANY;
    private static final String AESCBC_PREFIX = "k8s:enc:aescbc:v1:";
    private static final String AESGCM_PREFIX = "k8s:enc:aesgcm:v1:";
    private static final String SECRETBOX_PREFIX = "k8s:enc:secretbox:v1:";

    private final List<String> errors = new ArrayList<>();

    EncryptionConfiguration configuration(JsonNode root) {
        known(root, "", Set.of("apiVersion", "kind", "resources"));
        JsonNode rules = root.path("resources");
        if (!rules.isArray() || rules.isEmpty()) {
            required("resources", "at least one resources is required");
            throw new InvalidEncryptionConfiguration(errors);
        }
        Map<GroupResource, List<PrefixTransformers.Member>> byResource = new LinkedHashMap<>();
        List<String> summary = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            rule(rules.get(i), "resources[" + i + "]", byResource, summary);
        }
        if (!errors.isEmpty()) {
            throw new InvalidEncryptionConfiguration(errors);
        }
        Map<GroupResource, ValueTransformer> transformers = new LinkedHashMap<>();
        byResource.forEach((gr, members) ->
                transformers.put(gr, new PrefixTransformers(members, "no matching prefix found")));
        return new EncryptionConfiguration(Map.copyOf(transformers), List.copyOf(summary));
    }

    private void rule(JsonNode rule, String path, Map<GroupResource, List<PrefixTransformers.Member>> byResource,
                      List<String> summary) {
        known(rule, path, Set.of("resources", "providers"));
        List<String> resources = strings(rule.path("resources"), path + ".resources");
        if (resources.isEmpty()) {
            required(path + ".resources", "at least one " + path + ".resources is required");
        }
        int before = errors.size();
        resourceNames(resources, path + ".resources");
        overlap(resources, path + ".resources");
        JsonNode providers = rule.path("providers");
        List<PrefixTransformers.Member> members = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (!providers.isArray() || providers.isEmpty()) {
            required(path + ".providers", "at least one " + path + ".providers is required");
        } else {
            for (int j = 0; j < providers.size(); j++) {
                PrefixTransformers.Member m = provider(providers.get(j), path + ".providers[" + j + "]", names);
                if (m != null) {
                    members.add(m);
                }
            }
        }
        if (errors.size() > before) {
            return;
        }
        for (String r : resources) {
            GroupResource gr = GroupResource.parse(r);
            GroupResource anyInGroup = new GroupResource(gr.group(), ANY);
            GroupResource all = GroupResource.ALL;
            if (byResource.containsKey(anyInGroup)) {
                errors.add("resource \"" + gr + "\" is masked by earlier rule \"" + anyInGroup + "\"");
            } else if (byResource.containsKey(all)) {
                errors.add("resource \"" + gr + "\" is masked by earlier rule \"" + all + "\"");
            } else {
                byResource.computeIfAbsent(gr, k -> new ArrayList<>()).addAll(members);
            }
        }
        summary.add(String.join(", ", resources) + ": " + String.join(", ", names));
    }

    /** kube's checks of the names in one rule. */
    private void resourceNames(List<String> resources, String path) {
        for (int k = 0; k < resources.size(); k++) {
            String r = resources.get(k);
            String at = path + "[" + k + "]";
            GroupResource gr = GroupResource.parse(r);
            if (!r.equals(r.toLowerCase(Locale.ROOT))) {
                invalid(at, r, "resource name should not contain capital letters");
            } else if (r.equals(ANY)) {
                invalid(at, r, "use '*.' to encrypt all the resources from core API group or *.* to encrypt "
                        + "all resources");
            } else if (Set.of("apiserveripinfo", "serviceipallocations", "servicenodeportallocations").contains(r)) {
                invalid(at, r, "resources which do not have REST API/s cannot be encrypted");
            } else if (gr.group().equals("events.k8s.io")) {
                invalid(at, r, "'*.events.k8s.io' objects are stored using the 'events' API group in etcd. "
                        + "Use 'events' instead in the config file");
            } else if (gr.group().equals("extensions")) {
                invalid(at, r, "'extensions' group has been removed and cannot be used for encryption");
            } else if (gr.group().equals(ANY) && !gr.resource().equals(ANY)) {
                invalid(at, r, "encrypting the same resource across groups is not supported");
            } else if (r.isEmpty()) {
                invalid(at, r, "a resource name may not be empty");
            }
        }
    }

    /** kube's check that no name of a rule repeats or falls under a wildcard of the same rule. */
    private void overlap(List<String> resources, String path) {
        boolean duplicate = false;
        boolean overlap = false;
        for (int a = 0; a < resources.size(); a++) {
            for (int b = 0; b < resources.size(); b++) {
                if (a == b) {
                    continue;
                }
                GroupResource r1 = GroupResource.parse(resources.get(a));
                GroupResource r2 = GroupResource.parse(resources.get(b));
                if (r1.equals(r2)) {
                    duplicate = true;
                } else if (r1.equals(GroupResource.ALL)
                        || r1.group().equals(r2.group()) && (r1.resource().equals(ANY) || r2.resource().equals(ANY))) {
                    overlap = true;
                }
            }
        }
        if (duplicate) {
            invalid(path, resources.toString(), "the same resource cannot be specified multiple times");
        }
        if (overlap) {
            invalid(path, resources.toString(), "using overlapping resources such as 'secrets' and '*.' in the "
                    + "same resource list is not allowed as they will be masked");
        }
    }

    /** One provider entry: exactly one of aescbc, aesgcm, secretbox, identity (kms is refused). */
    private PrefixTransformers.Member provider(JsonNode p, String path, List<String> names) {
        Set<String> kinds = Set.of("aescbc", "aesgcm", "secretbox", "identity", "kms");
        List<String> given = new ArrayList<>();
        if (p.isObject()) {
            for (String field : p.propertyNames()) {
                if (kinds.contains(field)) {
                    given.add(field);
                } else {
                    errors.add("unknown field \"" + path + "." + field + "\"");
                }
            }
        }
        if (given.isEmpty()) {
            invalid(path, "", "provider does not contain any of the expected providers: KMS, AESGCM, AESCBC, "
                    + "Secretbox, Identity");
            return null;
        }
        if (given.size() > 1) {
            invalid(path, String.join(", ", given), "more than one provider specified in a single element, "
                    + "should split into different list elements");
            return null;
        }
        String kind = given.getFirst();
        JsonNode config = p.get(kind);
        String at = path + "." + kind;
        return switch (kind) {
            case "identity" -> {
                known(config, at, Set.of());
                names.add("identity");
                yield PrefixTransformers.Member.of("", new IdentityTransformer());
            }
            case "kms" -> {
                errors.add(at + ": Unsupported value: the kms provider is not supported by this server; use "
                        + "aescbc, aesgcm or secretbox with a local key");
                yield null;
            }
            case "aescbc" -> keyed(config, at, AESCBC_PREFIX, AES_KEY_SIZES, AesCbcTransformer::new,
                    "no matching key was found for the provided AES transformer", names);
            case "aesgcm" -> keyed(config, at, AESGCM_PREFIX, AES_KEY_SIZES, AesGcmTransformer::new,
                    "no matching key was found for the provided AES transformer", names);
            default -> keyed(config, at, SECRETBOX_PREFIX, SECRETBOX_KEY_SIZES, SecretboxTransformer::new,
                    "no matching key was found for the provided Secretbox transformer", names);
        };
    }

    /** A provider of named keys: each key under {@code <name>:} inside the provider's own prefix. */
    private PrefixTransformers.Member keyed(JsonNode config, String path, String prefix, List<Integer> sizes,
                                            Function<byte[], ValueTransformer> cipher,
                                            String noMatch, List<String> names) {
        known(config, path, Set.of("keys"));
        JsonNode keys = config == null ? null : config.get("keys");
        if (keys == null || !keys.isArray() || keys.isEmpty()) {
            required(path + ".keys", "at least one keys is required");
            return null;
        }
        List<PrefixTransformers.Member> members = new ArrayList<>();
        List<String> keyNames = new ArrayList<>();
        for (int k = 0; k < keys.size(); k++) {
            JsonNode key = keys.get(k);
            String at = path + ".keys[" + k + "]";
            known(key, at, Set.of("name", "secret"));
            String name = key.path("name").asString("");
            String secret = key.path("secret").asString("");
            if (name.isEmpty()) {
                required(at + ".name", "name is a mandatory field for a key");
            }
            if (secret.isEmpty()) {
                required(at + ".secret", "secret is a mandatory field for a key");
                continue;
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(secret);
            } catch (IllegalArgumentException e) {
                invalid(at + ".secret", "REDACTED", "secrets must be base64 encoded");
                continue;
            }
            if (!sizes.contains(bytes.length)) {
                invalid(at + ".secret", "REDACTED", "secret is not of the expected length, got " + bytes.length
                        + ", expected one of " + sizes.toString().replace(",", ""));
                continue;
            }
            if (!name.isEmpty()) {
                members.add(PrefixTransformers.Member.of(name + ":", cipher.apply(bytes)));
                keyNames.add(name);
            }
        }
        if (members.size() != keys.size()) {
            return null;
        }
        names.add(path.substring(path.lastIndexOf('.') + 1) + "(" + String.join(", ", keyNames) + ")");
        return PrefixTransformers.Member.of(prefix, new PrefixTransformers(members, noMatch));
    }

    private List<String> strings(JsonNode node, String path) {
        List<String> out = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            invalid(path, node.toString(), "expected a list of resource names");
            return out;
        }
        for (int k = 0; k < node.size(); k++) {
            if (!node.get(k).isString()) {
                invalid(path + "[" + k + "]", node.get(k).toString(), "expected a resource name");
            } else {
                out.add(node.get(k).asString());
            }
        }
        return out;
    }

    /** A strict decoder's complaint about every field the configuration does not have. */
    private void known(JsonNode node, String path, Set<String> fields) {
        if (node == null || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            invalid(path, node.isString() ? node.asString() : node.toString(), "expected an object");
            return;
        }
        for (String field : node.propertyNames()) {
            if (!fields.contains(field)) {
                errors.add("unknown field \"" + (path.isEmpty() ? field : path + "." + field) + "\"");
            }
        }
    }

    private void required(String path, String detail) {
        errors.add(path + ": Required value: " + detail);
    }

    private void invalid(String path, String value, String detail) {
        errors.add(path + ": Invalid value: \"" + value + "\": " + detail);
    }
}
