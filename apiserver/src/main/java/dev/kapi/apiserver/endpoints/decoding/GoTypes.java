package dev.kapi.apiserver.endpoints.decoding;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kapi.apiserver.api.schema.KubeSchemaNames;
import io.fabric8.kubernetes.api.model.IntOrString;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.time.temporal.Temporal;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Go types behind fabric8's Java types, as Go's {@code reflect.Type.String()} prints them in decoding
 * errors: {@code int32} for Integer, {@code int64} for Long, {@code string}, {@code bool}, {@code []v1.Container}
 * for a list, {@code map[string]string} for a map, {@code v1.DeploymentSpec} for a model class (its Go package
 * name and type name; fabric8's simple class names are kube's type names).
 */
final class GoTypes {

    private static final Map<Class<?>, Map<String, Type>> PROPERTIES = new ConcurrentHashMap<>();

    private GoTypes() {
    }

    /** The Go type name of a Java type. */
    static String name(Type t) {
        if (t instanceof WildcardType w) {
            return name(w.getUpperBounds()[0]);
        }
        if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] args = p.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw) && args.length == 1) {
                return "[]" + name(args[0]);
            }
            if (Map.class.isAssignableFrom(raw) && args.length == 2) {
                return "map[" + name(args[0]) + "]" + name(args[1]);
            }
            return name(raw);
        }
        if (!(t instanceof Class<?> c)) {
            return "interface {}";
        }
        if (c == String.class) {
            return "string";
        }
        if (c == Integer.class || c == int.class || c == IntOrString.class) {
            return "int32"; // IntOrString decodes a non-string as an int32
        }
        if (c == Long.class || c == long.class) {
            return "int64";
        }
        if (c == Boolean.class || c == boolean.class) {
            return "bool";
        }
        if (c == Double.class || c == double.class || c == Float.class || c == float.class) {
            return "float64";
        }
        if (c == byte[].class) {
            return "[]uint8";
        }
        if (Temporal.class.isAssignableFrom(c)) {
            return "string"; // metav1.Time / MicroTime unmarshal a string
        }
        if (c.isArray()) {
            return "[]" + name(c.getComponentType());
        }
        if (Collection.class.isAssignableFrom(c)) {
            return "[]interface {}";
        }
        if (Map.class.isAssignableFrom(c)) {
            return "map[string]interface {}";
        }
        if (c == Object.class) {
            return "interface {}";
        }
        String kubeName = KubeSchemaNames.of(c);
        int last = kubeName.lastIndexOf('.');
        int pkg = last > 0 ? kubeName.lastIndexOf('.', last - 1) : -1;
        return pkg >= 0 ? kubeName.substring(pkg + 1) : kubeName;
    }

    /** Whether a Go type is an integer, whose decoding errors show the number ({@code number 2.5}). */
    static boolean isInteger(String goType) {
        return goType.equals("int32") || goType.equals("int64");
    }

    /** The declared Java type of the JSON property {@code name} of a fabric8 class; null when it has none. */
    static Type property(Class<?> type, String name) {
        return PROPERTIES.computeIfAbsent(type, GoTypes::introspect).get(name);
    }

    /** The element type of a list type, the value type of a map type; null otherwise. */
    static Type element(Type t) {
        if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] args = p.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw) && args.length == 1) {
                return args[0];
            }
            if (Map.class.isAssignableFrom(raw) && args.length == 2) {
                return args[1];
            }
        }
        if (t instanceof Class<?> c && c.isArray()) {
            return c.getComponentType();
        }
        return null;
    }

    private static Map<String, Type> introspect(Class<?> type) {
        Map<String, Type> out = new HashMap<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.isAnnotationPresent(JsonIgnore.class)) {
                    continue;
                }
                JsonProperty p = f.getAnnotation(JsonProperty.class);
                out.putIfAbsent(p != null && !p.value().isEmpty() ? p.value() : f.getName(), f.getGenericType());
            }
        }
        return Map.copyOf(out);
    }
}
