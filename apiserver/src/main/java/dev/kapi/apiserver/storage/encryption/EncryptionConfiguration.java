package dev.kapi.apiserver.storage.encryption;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * kube-apiserver's {@code EncryptionConfiguration} ({@code apiserver.config.k8s.io/v1}, YAML or JSON), checked as
 * kube checks it, with the transformer of each resource it names. Each rule lists resources ({@code secrets},
 * {@code deployments.apps}, {@code *.apps} for a group, {@code *.} for the core group, {@code *.*} for all) and
 * providers ({@code aescbc}, {@code aesgcm}, {@code secretbox}, {@code identity}; {@code kms} is refused); the first
 * provider's first key encrypts every write, and all of them are tried on reads. A resource named in several
 * rules gets the providers of all of them, in rule order; a rule may not name what an earlier wildcard covers.
 *
 * <pre>{@code
 * resources:
 *   - resources: [secrets]
 *     providers:
 *       - aescbc: {keys: [{name: key1, secret: <base64 of 32 random bytes>}]}
 *       - identity: {}   # still reads what was stored before encryption was turned on
 * }</pre>
 */
public final class EncryptionConfiguration {

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private final Map<GroupResource, ValueTransformer> transformers;
    private final List<String> summary;

    EncryptionConfiguration(Map<GroupResource, ValueTransformer> transformers, List<String> summary) {
        this.transformers = transformers;
        this.summary = summary;
    }

    /**
     * Parses and checks a configuration.
     *
     * @throws InvalidEncryptionConfiguration naming every problem (key material is never part of a message)
     */
    public static EncryptionConfiguration parse(String text) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JacksonException e) {
            throw new InvalidEncryptionConfiguration(List.of("not YAML or JSON: " + e.getOriginalMessage()));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new InvalidEncryptionConfiguration(List.of("the file is empty"));
        }
        if (!root.isObject()) {
            throw new InvalidEncryptionConfiguration(List.of("expected an EncryptionConfiguration object"));
        }
        String apiVersion = root.path("apiVersion").asString("");
        String kind = root.path("kind").asString("");
        if (!"EncryptionConfiguration".equals(kind) || !"apiserver.config.k8s.io/v1".equals(apiVersion)) {
            throw new InvalidEncryptionConfiguration(List.of("expected kind EncryptionConfiguration of "
                    + "apiserver.config.k8s.io/v1, got kind \"" + kind + "\" of \"" + apiVersion + "\""));
        }
        return new EncryptionConfigParser().configuration(root);
    }

    /**
     * The transformer of a resource: the rule naming it, else the one naming its group ({@code *.apps}), else
     * {@code *.*}; empty when no rule covers it (its values are stored as they are).
     */
    public Optional<ValueTransformer> transformerFor(String group, String resource) {
        ValueTransformer t = transformers.get(new GroupResource(group, resource));
        if (t == null) {
            t = transformers.get(new GroupResource(group, GroupResource.ANY));
        }
        if (t == null) {
            t = transformers.get(GroupResource.ALL);
        }
        return Optional.ofNullable(t);
    }

    /** One line per rule, e.g. {@code secrets, configmaps: aescbc(key1), identity}, for the start-up log. */
    public List<String> summary() {
        return summary;
    }

    /** A configuration kube-apiserver would refuse; the message lists every problem on one line. */
    public static final class InvalidEncryptionConfiguration extends RuntimeException {

        private final List<String> problems;

        InvalidEncryptionConfiguration(List<String> problems) {
            super(problems.size() == 1 ? problems.getFirst() : problems.toString());
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }
}
