package dev.kapi.apiserver.registry.schema;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kapi.apiserver.api.schema.KubeSchemaNames;
import dev.kapi.apiserver.api.schema.Schema;
import dev.kapi.apiserver.api.schema.SchemaBuilder;
import tools.jackson.databind.annotation.JsonSerialize;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Builds the schema of fabric8 model classes by reflection over their Jackson properties (the fields
 * annotated {@code @JsonProperty}), the one place that knows how fabric8 spells kube's types: strings,
 * integers ({@code int32}/{@code int64}), numbers, booleans, {@code byte} strings, arrays for lists,
 * additionalProperties for maps, a definition named as kube names it ({@link KubeSchemaNames}) for every
 * model class, kube's schemas for Quantity, IntOrString, Time, RawExtension and FieldsV1, preserve-unknown-fields
 * for free-form values, the patch strategies of {@link PatchStrategies} and the list and map types of
 * {@link ListSemantics} on the fields they tag, and a type's own map type on its definition.
 * Definitions are shared: one node per class. Not thread-safe ({@link BuiltInSchemas} serializes calls).
 */
final class ClassSchemas {

    private static final Schema STRING = SchemaBuilder.node().type("string").build();
    private static final Schema BYTES = SchemaBuilder.node().type("string").format("byte").build();
    private static final Schema INT32 = SchemaBuilder.node().type("integer").format("int32").build();
    private static final Schema INT64 = SchemaBuilder.node().type("integer").format("int64").build();
    private static final Schema BOOLEAN = SchemaBuilder.node().type("boolean").build();
    private static final Schema DOUBLE = SchemaBuilder.node().type("number").format("double").build();
    private static final Schema ANY = SchemaBuilder.node().preserveUnknownFields().build();
    private static final Schema ANY_MAP = SchemaBuilder.node().type("object").additionalProperties(ANY).build();
    private static final Schema ANY_LIST = SchemaBuilder.node().type("array").items(ANY).build();

    private final Map<Class<?>, Schema> definitions = new HashMap<>();
    private final Map<String, Class<?>> named = new HashMap<>();
    private final List<Class<?>> fresh = new ArrayList<>();

    /** The schema of a value of Java type {@code t}. */
    Schema schemaOf(Type t) {
        if (t instanceof ParameterizedType pt && pt.getRawType() instanceof Class<?> raw) {
            Type[] args = pt.getActualTypeArguments();
            if (Map.class.isAssignableFrom(raw) && args.length == 2) {
                return SchemaBuilder.node().type("object").additionalProperties(schemaOf(args[1])).build();
            }
            if (Collection.class.isAssignableFrom(raw) && args.length == 1) {
                return SchemaBuilder.node().type("array").items(schemaOf(args[0])).build();
            }
            return schemaOf(raw);
        }
        if (!(t instanceof Class<?> c)) {
            return ANY;
        }
        if (c.isArray()) {
            return c.getComponentType() == byte.class ? BYTES
                    : SchemaBuilder.node().type("array").items(schemaOf(c.getComponentType())).build();
        }
        if (c == String.class || c == char.class || c == Character.class || c.isEnum()) {
            return STRING;
        } else if (c == int.class || c == Integer.class || c == short.class || c == Short.class) {
            return INT32;
        } else if (c == long.class || c == Long.class) {
            return INT64;
        } else if (c == boolean.class || c == Boolean.class) {
            return BOOLEAN;
        } else if (c == double.class || c == Double.class || c == float.class || c == Float.class) {
            return DOUBLE;
        } else if (Map.class.isAssignableFrom(c)) {
            return ANY_MAP;
        } else if (Collection.class.isAssignableFrom(c)) {
            return ANY_LIST;
        } else if (isModel(c)) {
            return definition(c);
        }
        return ANY;
    }

    /** Hands every definition built since the last call, complete, to {@code sink}. */
    void drain(BiConsumer<Class<?>, Schema> sink) {
        for (Class<?> c : fresh) {
            sink.accept(c, definitions.get(c));
        }
        fresh.clear();
    }

    /** The definition of model class {@code type}, declared first so that it may reach itself. */
    private Schema definition(Class<?> type) {
        Schema known = definitions.get(type);
        if (known != null) {
            return known;
        }
        String name = KubeSchemaNames.of(type);
        if (named.containsKey(name)) {
            name = type.getName(); // two classes for one kube name: the second keeps its Java name
        }
        named.put(name, type);
        Schema d = SchemaBuilder.declare(name);
        definitions.put(type, d);
        fresh.add(type);
        structure(type, name).define(d);
        return d;
    }

    private SchemaBuilder structure(Class<?> type, String name) {
        switch (name) {
            case "io.k8s.apimachinery.pkg.util.intstr.IntOrString" -> {
                return SchemaBuilder.node().format("int-or-string").oneOf("integer", "string").intOrString();
            }
            case "io.k8s.apimachinery.pkg.api.resource.Quantity" -> {
                return SchemaBuilder.node().oneOf("string", "number");
            }
            case KubeSchemaNames.META + ".MicroTime", KubeSchemaNames.META + ".Time" -> {
                return SchemaBuilder.node().type("string").format("date-time");
            }
            case "io.k8s.apimachinery.pkg.runtime.RawExtension", KubeSchemaNames.META + ".FieldsV1" -> {
                // raw JSON objects in kube (an embedded object, a trie of field names): nothing in them is unknown
                return SchemaBuilder.node().type("object").preserveUnknownFields();
            }
            default -> {
            }
        }
        String kubeName = KubeSchemaNames.of(type);
        SortedMap<String, Schema> properties = new TreeMap<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                JsonProperty p = f.getAnnotation(JsonProperty.class);
                if (p == null || Modifier.isStatic(f.getModifiers()) || f.isAnnotationPresent(JsonIgnore.class)) {
                    continue;
                }
                String json = p.value().isEmpty() ? f.getName() : p.value();
                if (!properties.containsKey(json)) {
                    properties.put(json, property(kubeName, c.getSimpleName(), json, f.getGenericType()));
                }
            }
        }
        SchemaBuilder b = SchemaBuilder.node().type("object").mapType(ListSemantics.typeMapType(kubeName));
        properties.forEach(b::property);
        return b;
    }

    /**
     * The schema of field {@code json} of the type kube names {@code kubeName} (declared in Java by the class
     * {@code declaringType}), with its patch strategy and merge key when {@link PatchStrategies} tags it and
     * its list type, list-map keys and map type when {@link ListSemantics} lists it.
     */
    private Schema property(String kubeName, String declaringType, String json, Type javaType) {
        Schema value = schemaOf(javaType);
        PatchStrategies.Tag tag = PatchStrategies.of(declaringType, json);
        ListSemantics.Semantics semantics = ListSemantics.of(kubeName, json);
        String keyDefault = ListSemantics.keyDefault(kubeName, json);
        if (tag == null && semantics == null && keyDefault == null) {
            return value;
        }
        SchemaBuilder b = value.definition() != null ? SchemaBuilder.reference(value.definition())
                : SchemaBuilder.copyOf(value);
        if (tag != null) {
            b.patchStrategy(tag.strategy()).patchMergeKey(tag.mergeKey());
        }
        if (semantics != null) {
            b.listType(semantics.listType()).listMapKeys(semantics.listMapKeys()).mapType(semantics.mapType());
        }
        if (keyDefault != null) {
            b.defaultValue(tools.jackson.databind.node.StringNode.valueOf(keyDefault));
        }
        return b.build();
    }

    /**
     * Whether {@code c} is a concrete fabric8 model class whose JSON is its properties (not an interface,
     * nor a type with its own serializer such as {@code AnyType} or {@code JSONSchemaPropsOrBool}), or one
     * of the types kube's OpenAPI defines by name (Quantity, IntOrString, MicroTime).
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
}
