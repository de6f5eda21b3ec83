package dev.kapi.apiserver.endpoints.decoding;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.MismatchedInputException;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Turns a failure of {@link GoJson#MAPPER} into the error kube's decoder (Go's encoding/json) gives for the
 * same body: {@code json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type
 * int32} — the innermost struct's type name, the path of struct fields from the root (no list indexes or
 * map keys, as in Go), the JSON value's kind ({@code number 2.5} for a number an integer cannot hold) and the
 * Go type — or the parse error of a timestamp or quantity as kube words it.
 */
public final class DecodeErrors {

    private DecodeErrors() {
    }

    /** The Go error text of a failure decoding {@code tree}; never Java type names. */
    public static String message(JacksonException e, JsonNode tree) {
        if (e instanceof GoDecodeException g && g.goType() == null) {
            return g.getOriginalMessage();
        }
        List<JacksonException.Reference> path = e.getPath();
        Class<?> struct = null;
        Type type = null;
        List<String> fields = new ArrayList<>();
        JsonNode node = tree;
        for (JacksonException.Reference ref : path) {
            Object from = ref.from();
            Class<?> fromType = from instanceof Class<?> c ? c : from == null ? null : from.getClass();
            boolean container = fromType != null
                    && (Collection.class.isAssignableFrom(fromType) || Map.class.isAssignableFrom(fromType)
                    || fromType.isArray());
            if (container) {
                type = type == null ? null : GoTypes.element(type);
            } else if (fromType != null && ref.getPropertyName() != null) {
                struct = fromType;
                type = GoTypes.property(fromType, ref.getPropertyName());
                fields.add(ref.getPropertyName());
            }
            node = step(node, ref);
        }
        String goType = e instanceof GoDecodeException g ? g.goType() : type == null ? null : GoTypes.name(type);
        if (goType == null || struct == null) {
            return "json: " + describe(e);
        }
        return "json: cannot unmarshal " + value(node, e, goType) + " into Go struct field " + struct.getSimpleName()
                + "." + String.join(".", fields) + " of type " + goType;
    }

    private static JsonNode step(JsonNode node, JacksonException.Reference ref) {
        if (node == null) {
            return null;
        }
        if (ref.getIndex() >= 0) {
            return node.isArray() ? node.get(ref.getIndex()) : null;
        }
        return ref.getPropertyName() == null || !node.isObject() ? null : node.get(ref.getPropertyName());
    }

    /** Go's description of the JSON value: {@code string}, {@code bool}, {@code object}, {@code number 2.5}. */
    private static String value(JsonNode node, JacksonException e, String goType) {
        if (node == null) {
            JsonToken t = e instanceof MismatchedInputException m ? m.getCurrentToken() : null;
            return t == null ? "value" : kind(t);
        }
        if (node.isNumber()) {
            return GoTypes.isInteger(goType) || goType.equals("float64") ? "number " + node : "number";
        }
        if (node.isString()) {
            return "string";
        }
        if (node.isBoolean()) {
            return "bool";
        }
        if (node.isArray()) {
            return "array";
        }
        return node.isObject() ? "object" : "null";
    }

    private static String kind(JsonToken t) {
        return switch (t) {
            case START_OBJECT, END_OBJECT, PROPERTY_NAME -> "object";
            case START_ARRAY, END_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "bool";
            default -> "null";
        };
    }

    /** A failure outside any struct field (should not happen for model types): its own words, path-free. */
    private static String describe(JacksonException e) {
        String m = e.getOriginalMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
