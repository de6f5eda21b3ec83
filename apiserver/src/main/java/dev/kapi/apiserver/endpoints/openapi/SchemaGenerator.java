package dev.kapi.apiserver.endpoints.openapi;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kapi.apiserver.api.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonSerialize;
import tools.jackson.databind.node.ObjectNode;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Builds OpenAPI 3.0 schemas of fabric8 model classes by reflection over their Jackson properties (the
 * fields annotated {@code @JsonProperty}): strings, integers, numbers, booleans, arrays for lists,
 * {@code additionalProperties} for maps, a {@code $ref} to {@code #/components/schemas/<kube name>} for
 * every nested model type (generated in turn, so every reference resolves). Quantity and IntOrString get
 * kube's {@code oneOf} schemas; free-form values are {@code x-kubernetes-preserve-unknown-fields}.
 * One generator collects the schemas of one document; it is not thread-safe.
 */
final class SchemaGenerator {

    static final String REF_PREFIX = "#/components/schemas/";

    private final SortedMap<String, ObjectNode> schemas = new TreeMap<>();
    private final Map<Class<?>, String> names = new HashMap<>();
    private final Map<String, Class<?>> classes = new HashMap<>();

    /** The schemas generated so far, by name. */
    SortedMap<String, ObjectNode> schemas() {
        return schemas;
    }

    /** The model class whose schema is named {@code name}, or null. */
    Class<?> typeOf(String name) {
        return classes.get(name);
    }

    /** A {@code $ref} schema to {@code type}, generating its schema (and its references') if needed. */
    ObjectNode ref(Class<?> type) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("$ref", REF_PREFIX + define(type));
        return n;
    }

    /** Generates the schema of {@code type} if not done yet and returns its name. */
    String define(Class<?> type) {
        String known = names.get(type);
        if (known != null) {
            return known;
        }
        String name = KubeSchemaNames.of(type);
        if (classes.containsKey(name) && classes.get(name) != type) {
            name = type.getName();
        }
        names.put(type, name);
        classes.put(name, type);
        ObjectNode schema = Json.MAPPER.createObjectNode();
        schemas.put(name, schema);
        fill(schema, type);
        return name;
    }

    /** Adds {@code x-kubernetes-group-version-kind} to the schema of {@code type}. */
    void addGroupVersionKind(Class<?> type, String group, String version, String kind) {
        ObjectNode schema = schemas.get(define(type));
        var list = schema.has("x-kubernetes-group-version-kind")
                ? (tools.jackson.databind.node.ArrayNode) schema.get("x-kubernetes-group-version-kind")
                : schema.putArray("x-kubernetes-group-version-kind");
        for (JsonNode e : list) {
            if (e.get("group").asString().equals(group) && e.get("version").asString().equals(version)
                    && e.get("kind").asString().equals(kind)) {
                return;
            }
        }
        ObjectNode gvk = list.addObject();
        gvk.put("group", group);
        gvk.put("version", version);
        gvk.put("kind", kind);
    }

    private void fill(ObjectNode schema, Class<?> type) {
        switch (KubeSchemaNames.of(type)) {
            case "io.k8s.apimachinery.pkg.util.intstr.IntOrString" -> {
                schema.put("format", "int-or-string");
                var one = schema.putArray("oneOf");
                one.addObject().put("type", "integer");
                one.addObject().put("type", "string");
                return;
            }
            case "io.k8s.apimachinery.pkg.api.resource.Quantity" -> {
                var one = schema.putArray("oneOf");
                one.addObject().put("type", "string");
                one.addObject().put("type", "number");
                return;
            }
            case KubeSchemaNames.META + ".MicroTime", KubeSchemaNames.META + ".Time" -> {
                schema.put("type", "string");
                schema.put("format", "date-time");
                return;
            }
            case "io.k8s.apimachinery.pkg.runtime.RawExtension" -> {
                schema.put("type", "object");
                return;
            }
            default -> {
            }
        }
        schema.put("type", "object");
        SortedMap<String, ObjectNode> properties = new TreeMap<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                JsonProperty p = f.getAnnotation(JsonProperty.class);
                if (p == null || Modifier.isStatic(f.getModifiers()) || f.isAnnotationPresent(JsonIgnore.class)) {
                    continue;
                }
                String name = p.value().isEmpty() ? f.getName() : p.value();
                properties.putIfAbsent(name, schemaOf(f.getGenericType()));
            }
        }
        if (!properties.isEmpty()) {
            ObjectNode props = schema.putObject("properties");
            properties.forEach(props::set);
        }
    }

    /** The schema of a property of Java type {@code t}. */
    ObjectNode schemaOf(Type t) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        if (t instanceof ParameterizedType pt && pt.getRawType() instanceof Class<?> raw) {
            Type[] args = pt.getActualTypeArguments();
            if (Map.class.isAssignableFrom(raw) && args.length == 2) {
                n.put("type", "object");
                n.set("additionalProperties", schemaOf(args[1]));
                return n;
            }
            if (Collection.class.isAssignableFrom(raw) && args.length == 1) {
                n.put("type", "array");
                n.set("items", schemaOf(args[0]));
                return n;
            }
            return schemaOf(raw);
        }
        if (!(t instanceof Class<?> c)) {
            return preserveUnknown(n);
        }
        if (c.isArray()) {
            if (c.getComponentType() == byte.class) {
                n.put("type", "string");
                n.put("format", "byte");
                return n;
            }
            n.put("type", "array");
            n.set("items", schemaOf(c.getComponentType()));
            return n;
        }
        if (c == String.class || c == char.class || c == Character.class || c.isEnum()) {
            n.put("type", "string");
        } else if (c == int.class || c == Integer.class || c == short.class || c == Short.class) {
            n.put("type", "integer");
            n.put("format", "int32");
        } else if (c == long.class || c == Long.class) {
            n.put("type", "integer");
            n.put("format", "int64");
        } else if (c == boolean.class || c == Boolean.class) {
            n.put("type", "boolean");
        } else if (c == double.class || c == Double.class || c == float.class || c == Float.class) {
            n.put("type", "number");
            n.put("format", "double");
        } else if (Map.class.isAssignableFrom(c)) {
            n.put("type", "object");
            n.set("additionalProperties", preserveUnknown(Json.MAPPER.createObjectNode()));
        } else if (Collection.class.isAssignableFrom(c)) {
            n.put("type", "array");
            n.set("items", preserveUnknown(Json.MAPPER.createObjectNode()));
        } else if (isModel(c)) {
            return ref(c);
        } else {
            return preserveUnknown(n);
        }
        return n;
    }

    /**
     * Whether {@code c} is a concrete fabric8 model class whose JSON is its properties (not an interface,
     * nor a type with its own serializer such as {@code AnyType} or {@code JSONSchemaPropsOrBool}).
     */
    private static boolean isModel(Class<?> c) {
        if (c.isInterface() || Modifier.isAbstract(c.getModifiers()) || !c.getName().startsWith("io.fabric8.")) {
            return false;
        }
        String name = KubeSchemaNames.of(c);
        if (name.endsWith(".Quantity") || name.endsWith(".IntOrString") || name.endsWith(".MicroTime")) {
            return true;
        }
        JsonSerialize s = c.getAnnotation(JsonSerialize.class);
        return s == null || s.using().getSimpleName().equals("None");
    }

    private static ObjectNode preserveUnknown(ObjectNode n) {
        n.put("x-kubernetes-preserve-unknown-fields", true);
        return n;
    }
}
