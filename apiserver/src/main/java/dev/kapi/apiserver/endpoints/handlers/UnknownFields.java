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

    private static final Map<Class<?>, List<Method>> GETTERS = new java.util.concurrent.ConcurrentHashMap<>();

    private UnknownFields() {
    }

    /** Returns the unknown fields' paths, in document order, and removes them from {@code root}. */
    public static List<String> prune(Object root) {
        List<String> found = new ArrayList<>();
        walk(root, "", found, new IdentityHashMap<>());
        return found;
    }

    private static void walk(Object node, String path, List<String> found, IdentityHashMap<Object, Boolean> seen) {
        if (node == null || seen.put(node, Boolean.TRUE) != null) {
            return;
        }
        if (node instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                walk(item, path + "[" + i++ + "]", found, seen);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                walk(e.getValue(), path + "[" + e.getKey() + "]", found, seen);
            }
            return;
        }
        if (!(node instanceof KubernetesResource)) {
            return;
        }
        for (Method getter : getters(node.getClass())) {
            try {
                Object value = getter.invoke(node);
                if (getter.getName().equals("getAdditionalProperties")) {
                    if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        for (Object k : extra.keySet()) {
                            found.add(path.isEmpty() ? String.valueOf(k) : path + "." + k);
                        }
                        extra.clear();
                    }
                } else {
                    walk(value, path.isEmpty() ? property(getter) : path + "." + property(getter), found, seen);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static List<Method> getters(Class<?> type) {
        return GETTERS.computeIfAbsent(type, t -> {
            List<Method> out = new ArrayList<>();
            for (Method m : t.getMethods()) {
                if (m.getParameterCount() == 0 && m.getName().startsWith("get") && !m.getName().equals("getClass")
                        && !m.getReturnType().isPrimitive() && m.getDeclaringClass() != Object.class
                        && !m.isDefault() && !java.lang.reflect.Modifier.isStatic(m.getModifiers())
                        && (m.getName().equals("getAdditionalProperties") || isBeanish(m.getReturnType()))) {
                    out.add(m);
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
