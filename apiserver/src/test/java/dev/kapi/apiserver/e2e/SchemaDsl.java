package dev.kapi.apiserver.e2e;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Short builders for OpenAPI v3 schema nodes (as maps, written out as JSON or YAML) for the generated
 * operator-shaped CRDs of {@link OperatorCrds}. Every property gets a description, as real operators' CRDs do
 * (it is most of their size).
 */
final class SchemaDsl {

    private SchemaDsl() {
    }

    /** A schema node: a mutable map that keeps key order. */
    static final class Node extends LinkedHashMap<String, Object> {

        Node with(String key, Object value) {
            put(key, value);
            return this;
        }

        Node required(String... names) {
            return with("required", List.of(names));
        }

        Node rule(String rule, String message) {
            @SuppressWarnings("unchecked")
            List<Object> rules = (List<Object>) computeIfAbsent("x-kubernetes-validations",
                    k -> new java.util.ArrayList<>());
            rules.add(Map.of("rule", rule, "message", message));
            return this;
        }

        Node dflt(Object value) {
            return with("default", value);
        }

        Node describe(String text) {
            return with("description", text);
        }
    }

    static Node node(String type) {
        return new Node().with("type", type);
    }

    static Node str() {
        return node("string");
    }

    static Node str(String pattern) {
        return str().with("pattern", pattern);
    }

    static Node strEnum(String... values) {
        return str().with("enum", List.of(values));
    }

    static Node integer() {
        return node("integer").with("format", "int32");
    }

    static Node int64() {
        return node("integer").with("format", "int64");
    }

    static Node bool() {
        return node("boolean");
    }

    static Node strings() {
        return array(str());
    }

    static Node stringMap() {
        return node("object").with("additionalProperties", str());
    }

    static Node array(Node items) {
        return node("array").with("items", items);
    }

    /** {@code x-kubernetes-list-type: map} keyed by {@code keys}. */
    static Node mapList(Node items, String... keys) {
        return array(items).with("x-kubernetes-list-type", "map").with("x-kubernetes-list-map-keys", List.of(keys));
    }

    static Node intOrString() {
        return new Node().with("anyOf", List.of(Map.of("type", "integer"), Map.of("type", "string")))
                .with("x-kubernetes-int-or-string", true);
    }

    /** A resource quantity as kube's own types write it. */
    static Node quantity() {
        return intOrString().with("pattern",
                "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$");
    }

    static Node preserveUnknown() {
        return node("object").with("x-kubernetes-preserve-unknown-fields", true);
    }

    /** An object with {@code props} given as name/schema pairs; every property is described. */
    static Node object(Object... props) {
        Node properties = new Node();
        for (int i = 0; i + 1 < props.length; i += 2) {
            String name = (String) props[i];
            Node schema = (Node) props[i + 1];
            schema.putIfAbsent("description", describe(name));
            properties.put(name, schema);
        }
        return node("object").with("properties", properties);
    }

    /** A description of the length real generated CRDs carry (taken from a field's name). */
    static String describe(String field) {
        String words = String.join(" ", Arrays.stream(field.split("(?=[A-Z])")).map(String::toLowerCase).toList());
        return "The " + words + " of this object. This field follows the conventions of the Kubernetes API: when it"
                + " is not set, the operator uses a default that depends on the version of the managed component,"
                + " and changing it later causes the managed pods to be rolled out again.";
    }
}
