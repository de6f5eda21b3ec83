package dev.kapi.apiserver.endpoints.handlers;

import io.fabric8.kubernetes.api.model.KubernetesResource;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds and removes the fields a built-in type does not have. fabric8 model objects keep unknown JSON
 * fields in {@code additionalProperties}; this walks the decoded object graph, reports each such field by
 * its path ({@code spec.foo}, {@code spec.containers[0].bar}) and clears it, so unknown fields are never
 * stored (kube-apiserver prunes them too).
 */
public final class UnknownFields {

    private static final Object[] NO_ARGS = {};
    private static final Map<Class<?>, List<Getter>> GETTERS = new java.util.concurrent.ConcurrentHashMap<>();

    private UnknownFields() {
    }

    /** Returns the unknown fields' paths, in document order, and removes them from {@code root}. */
    public static List<String> prune(Object root) {
        List<String> found = new ArrayList<>();
        if (walkable(root)) {
            walk(root, null, found, new IdentityHashMap<>());
        }
        return found;
    }

    /**
     * Where a value sits: its parent's path and its own step ({@code .name}, or {@code [index]} / {@code [key]}
     * when {@code bracket}), rendered only when an unknown field is found below it (most objects have none).
     */
    private record Path(Path parent, boolean bracket, Object step) {
        static String render(Path path) {
            if (path == null) {
                return "";
            }
            String p = render(path.parent);
            if (path.bracket) {
                return p + "[" + path.step + "]";
            }
            return p.isEmpty() ? String.valueOf(path.step) : p + "." + path.step;
        }
    }

    /** A getter the walk follows: the {@code additionalProperties} one, or a property holding objects. */
    private record Getter(Method method, String property, boolean additionalProperties) {
    }

    /** Whether a value may hold objects with unknown fields (strings, numbers and nulls cannot). */
    private static boolean walkable(Object node) {
        return node instanceof Collection<?> || node instanceof Map<?, ?> || node instanceof KubernetesResource;
    }

    private static void walk(Object node, Path path, List<String> found, IdentityHashMap<Object, Boolean> seen) {
        if (seen.put(node, Boolean.TRUE) != null) {
            return;
        }
        if (node instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                if (walkable(item)) {
                    walk(item, new Path(path, true, i), found, seen);
                }
                i++;
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (walkable(e.getValue())) {
                    walk(e.getValue(), new Path(path, true, e.getKey()), found, seen);
                }
            }
            return;
        }
        for (Getter getter : getters(node.getClass())) {
            try {
                Object value = getter.method().invoke(node, NO_ARGS);
                if (getter.additionalProperties()) {
                    if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        String p = Path.render(path);
                        for (Object k : extra.keySet()) {
                            found.add(p.isEmpty() ? String.valueOf(k) : p + "." + k);
                        }
                        extra.clear();
                    }
                } else if (walkable(value)) {
                    walk(value, new Path(path, false, getter.property()), found, seen);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static List<Getter> getters(Class<?> type) {
        return GETTERS.computeIfAbsent(type, t -> {
            List<Getter> out = new ArrayList<>();
            for (Method m : t.getMethods()) {
                if (m.getParameterCount() == 0 && m.getName().startsWith("get") && !m.getName().equals("getClass")
                        && !m.getReturnType().isPrimitive() && m.getDeclaringClass() != Object.class
                        && !m.isDefault() && !java.lang.reflect.Modifier.isStatic(m.getModifiers())
                        && (m.getName().equals("getAdditionalProperties") || isBeanish(m.getReturnType()))) {
                    out.add(new Getter(m, property(m), m.getName().equals("getAdditionalProperties")));
                }
            }
            return out;
        });
    }

    private static boolean isBeanish(Class<?> type) {
        return KubernetesResource.class.isAssignableFrom(type) || Collection.class.isAssignableFrom(type)
                || Map.class.isAssignableFrom(type);
    }

    private static String property(Method getter) {
        String n = getter.getName().substring(3);
        return n.isEmpty() ? n : Character.toLowerCase(n.charAt(0)) + n.substring(1);
    }
}
