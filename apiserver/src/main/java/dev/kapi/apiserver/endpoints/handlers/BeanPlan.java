package dev.kapi.apiserver.endpoints.handlers;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kapi.apiserver.api.schema.Schema;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How {@link UnknownFields} walks a Jackson bean of one class against one schema, worked out once: the
 * bean's {@code @JsonAnyGetter} map, which holds the JSON fields the class has no property for (unknown
 * unless the schema lists them, as for the spec of a {@code GenericKubernetesResource}, or preserves them),
 * and the getters ({@code @JsonProperty}, else {@code getName()}) of the schema's fields that can
 * hold objects, with their schemas. Fields that cannot hold unknown fields (strings, numbers, lists and maps
 * of them, free-form values) are never read, so most of an object is not visited at all.
 */
final class BeanPlan {

    private static final Object[] NO_ARGS = {};
    private static final ClassValue<Map<Schema, BeanPlan>> PLANS = new ClassValue<>() {
        @Override
        protected Map<Schema, BeanPlan> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    /** A field the walk descends into: its getter, JSON name and schema. */
    private record Step(Method getter, String field, Schema schema) {
    }

    private final Schema schema;
    private final Method anyGetter;
    private final boolean closed;
    private final Step[] steps;

    private BeanPlan(Schema schema, Method anyGetter, Step[] steps) {
        this.schema = schema;
        this.anyGetter = anyGetter;
        this.closed = closedObject(schema);
        this.steps = steps;
    }

    /** The plan for beans of {@code type} described by {@code schema}. */
    static BeanPlan of(Class<?> type, Schema schema) {
        Map<Schema, BeanPlan> plans = PLANS.get(type);
        BeanPlan plan = plans.get(schema);
        if (plan == null) {
            plan = build(type, schema);
            plans.putIfAbsent(schema, plan);
        }
        return plan;
    }

    /** Reports and clears the bean's unknown fields, then walks the fields that can hold more. */
    void walk(Object bean, UnknownFields.Path path, UnknownFields.Walk walk) {
        if (closed && anyGetter == null) {
            for (String field : walk.unmapped().of(bean)) { // dropped by the read already
                walk.paths().add(UnknownFields.Path.child(path, field));
            }
        }
        try {
            if (anyGetter != null && anyGetter.invoke(bean, NO_ARGS) instanceof Map<?, ?> extra
                    && !extra.isEmpty()) {
                for (Iterator<? extends Map.Entry<?, ?>> it = extra.entrySet().iterator(); it.hasNext(); ) {
                    Map.Entry<?, ?> e = it.next();
                    Schema field = schema.properties().get(String.valueOf(e.getKey()));
                    if (field != null) {
                        UnknownFields.walk(e.getValue(), field, new UnknownFields.Path(path, false, e.getKey()),
                                walk);
                    } else if (closed) {
                        walk.paths().add(UnknownFields.Path.child(path, e.getKey()));
                        it.remove();
                    }
                }
            }
            for (Step s : steps) {
                Object value = s.getter().invoke(bean, NO_ARGS);
                if (value != null) {
                    UnknownFields.walk(value, s.schema(), new UnknownFields.Path(path, false, s.field()), walk);
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BeanPlan build(Class<?> type, Schema schema) {
        Map<String, Method> getters = getters(type);
        List<Step> steps = new ArrayList<>();
        for (Map.Entry<String, Schema> p : schema.properties().entrySet()) {
            Method getter = getters.get(p.getKey());
            if (getter == null) {
                getter = namedGetter(type, p.getKey());
            }
            if (getter != null && mayHoldUnknown(p.getValue(), Collections.newSetFromMap(new IdentityHashMap<>()))) {
                steps.add(new Step(getter, p.getKey(), p.getValue()));
            }
        }
        return new BeanPlan(schema, anyGetter(type), steps.toArray(Step[]::new));
    }

    /** An object whose keys are its properties only: anything else in it is an unknown field. */
    private static boolean closedObject(Schema s) {
        return "object".equals(s.type()) && s.additionalProperties() == null && !s.preserveUnknownFields();
    }

    /** Whether a value of schema {@code s} can contain an unknown field somewhere. */
    static boolean mayHoldUnknown(Schema s, Set<Schema> visiting) {
        if (s == null || !visiting.add(s)) {
            return false;
        }
        if (closedObject(s)) {
            return true;
        }
        for (Schema p : s.properties().values()) {
            if (mayHoldUnknown(p, visiting)) {
                return true;
            }
        }
        return mayHoldUnknown(s.items(), visiting) || mayHoldUnknown(s.additionalProperties(), visiting);
    }

    /** The class's public {@code @JsonAnyGetter} returning a map, or null. */
    private static Method anyGetter(Class<?> type) {
        for (Method m : type.getMethods()) {
            if (m.isAnnotationPresent(JsonAnyGetter.class) && m.getParameterCount() == 0
                    && Map.class.isAssignableFrom(m.getReturnType()) && !Modifier.isStatic(m.getModifiers())) {
                return m;
            }
        }
        return null;
    }

    /** The class's public {@code @JsonProperty} getters by JSON name. */
    static Map<String, Method> getters(Class<?> type) {
        Map<String, Method> out = new HashMap<>();
        for (Method m : type.getMethods()) {
            JsonProperty p = m.getAnnotation(JsonProperty.class);
            if (p != null && m.getParameterCount() == 0 && m.getReturnType() != void.class
                    && !Modifier.isStatic(m.getModifiers())) {
                out.putIfAbsent(p.value().isEmpty() ? propertyName(m.getName()) : p.value(), m);
            }
        }
        return out;
    }

    /** The public {@code getName()} / {@code isName()} of a property its class does not annotate, or null. */
    private static Method namedGetter(Class<?> type, String property) {
        if (property.isEmpty()) {
            return null;
        }
        String suffix = Character.toUpperCase(property.charAt(0)) + property.substring(1);
        for (String name : new String[]{"get" + suffix, "is" + suffix}) {
            try {
                Method m = type.getMethod(name);
                if (m.getReturnType() != void.class && !Modifier.isStatic(m.getModifiers())) {
                    return m;
                }
            } catch (NoSuchMethodException e) {
                // try the next spelling
            }
        }
        return null;
    }

    private static String propertyName(String getter) {
        String n = getter.startsWith("get") ? getter.substring(3) : getter.startsWith("is") ? getter.substring(2)
                : getter;
        return n.isEmpty() ? n : Character.toLowerCase(n.charAt(0)) + n.substring(1);
    }
}
