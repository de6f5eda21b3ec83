package dev.kapi.apiserver.api;

import dev.kapi.apiserver.api.schema.KubeSchemaNames;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.io.SerializedString;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.SerializationConfig;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.ser.BeanPropertyWriter;
import tools.jackson.databind.ser.ValueSerializerModifier;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the built-in types as Go's encoding/json writes kube's structs: an unset non-pointer struct field as
 * its zero struct ({@code "status":{"loadBalancer":{}}} for a Service, {@code "resources":{}} for a container)
 * and an unset non-pointer {@code metav1.Time} as {@code null} ({@code lastProbeTime}, a pod template's
 * {@code metadata.creationTimestamp}), both listed in {@code go-zero-values.txt}; and the non-pointer scalar
 * fields listed in {@code go-scalar-fields.txt}: an unset one without {@code omitempty} as its zero
 * ({@code "reportingComponent":""}, {@code "ready":false}, {@code "replicas":0}), a zero one with
 * {@code omitempty} not at all ({@code "paused":false} a client sent). Each file says how its list was derived;
 * custom resources and other classes are left as they are.
 *
 * <p>The plan is per class and made once: when Jackson builds a fabric8 class's serializer, the properties
 * the list names get a writer that writes the zero (a shared empty instance, itself written through its own
 * serializer, so its nested zeros are filled too) when the value is null; present values are written as
 * before. Because the one {@link Json#MAPPER} writes them, the stored JSON, every answer and a decode and
 * re-encode agree: {@code {}} decodes to an empty object and is written back as {@code {}}, a null time
 * decodes to null and is written back as {@code null}.
 */
public final class GoZeroValues extends ValueSerializerModifier {

    private static final String FABRIC8 = KubeSchemaNames.FABRIC8;

    /** What Go writes for a listed field's zero value. */
    private enum Zero {
        /** a non-pointer struct: its zero struct, {@code {}} with its own zero fields */
        STRUCT,
        /** a non-pointer time: {@code null} */
        NULL,
        /** a scalar without omitempty: {@code ""}, {@code false} or {@code 0} */
        SCALAR,
        /** a scalar with omitempty: nothing */
        OMITTED
    }

    /** {@code <kube definition>.<json name>} to what its zero value is written as. */
    private static final Map<String, Zero> FIELDS = load();
    private static final Set<String> NULL_NAMES = nullNames();

    GoZeroValues() {
    }

    /**
     * Whether Go's encoding/json leaves out {@code value} of the field {@code jsonName} of kube's type
     * {@code definition} ({@code io.k8s.api.apps.v1.DeploymentSpec}): a zero ({@code ""}, {@code false}, {@code 0})
     * of a non-pointer scalar tagged {@code omitempty}.
     */
    public static boolean omitted(String definition, String jsonName, Object value) {
        return value != null && isZero(value) && FIELDS.get(definition + "." + jsonName) == Zero.OMITTED;
    }

    /** The JSON names of the fields written as {@code null} when unset ({@code creationTimestamp}, ...). */
    public static Set<String> nullFieldNames() {
        return NULL_NAMES;
    }

    @Override
    public List<BeanPropertyWriter> changeProperties(SerializationConfig config, BeanDescription.Supplier beanDesc,
            List<BeanPropertyWriter> properties) {
        Class<?> type = beanDesc.getBeanClass();
        if (!type.getName().startsWith(FABRIC8)) {
            return properties;
        }
        String kubeName = KubeSchemaNames.of(type);
        List<BeanPropertyWriter> changed = null;
        for (int i = 0; i < properties.size(); i++) {
            BeanPropertyWriter p = properties.get(i);
            Zero zero = FIELDS.get(kubeName + "." + p.getName());
            BeanPropertyWriter writer = zero == null ? null : writer(p, zero);
            if (writer == null) {
                continue;
            }
            if (changed == null) {
                changed = new ArrayList<>(properties);
            }
            changed.set(i, writer);
        }
        return changed == null ? properties : changed;
    }

    /** The writer of {@code p} for its kind of zero; null to keep {@code p} (a Java type that does not fit). */
    private static BeanPropertyWriter writer(BeanPropertyWriter p, Zero zero) {
        Class<?> type = p.getType().getRawClass();
        return switch (zero) {
            case NULL -> new ZeroWriter(p, null);
            case STRUCT -> {
                Object empty = emptyInstance(type);
                yield empty == null ? null : new ZeroWriter(p, empty); // not a model class: written as before
            }
            case SCALAR -> {
                Object z = scalarZero(type);
                yield z == null ? null : new ZeroWriter(p, z);
            }
            case OMITTED -> scalarZero(type) == null ? null : new OmitZeroWriter(p);
        };
    }

    /** Go's zero value of a scalar field held in {@code type}; null for a type that is not a scalar. */
    private static Object scalarZero(Class<?> type) {
        if (type == String.class) {
            return "";
        }
        if (type == Boolean.class || type == boolean.class) {
            return Boolean.FALSE;
        }
        if (type == Long.class || type == long.class) {
            return 0L; // as a stored 0 reads back, so trees of both compare equal
        }
        if (type == Integer.class || type == int.class || type == Short.class || type == short.class) {
            return 0;
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return 0; // Go writes a zero float as 0
        }
        return null;
    }

    private static boolean isZero(Object value) {
        return switch (value) {
            case String s -> s.isEmpty();
            case Boolean b -> !b;
            case Double d -> d == 0;
            case Float f -> f == 0;
            case Number n -> n.longValue() == 0;
            default -> false;
        };
    }

    private static Object emptyInstance(Class<?> type) {
        if (!type.getName().startsWith(FABRIC8)) {
            return null;
        }
        try {
            return type.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /** A property written as {@code zero} (or {@code null} when that is null) when the bean's value is null. */
    private static final class ZeroWriter extends BeanPropertyWriter {
        private final Object zero;
        /** The zero struct's serializer, found at its first use (the same one each time: a benign race). */
        private ValueSerializer<Object> zeroSerializer;

        ZeroWriter(BeanPropertyWriter base, Object zero) {
            super(base);
            this.zero = zero;
        }

        @Override
        public void serializeAsProperty(Object bean, JsonGenerator g, SerializationContext ctxt) throws Exception {
            Object value = get(bean);
            if (value != null) {
                if (!writeScalar(g, _name, value)) {
                    super.serializeAsProperty(bean, g, ctxt);
                }
                return;
            }
            if (zero == null) {
                g.writeName(_name);
                g.writeNull();
            } else if (!writeScalar(g, _name, zero)) {
                ValueSerializer<Object> s = zeroSerializer;
                if (s == null) {
                    s = ctxt.findValueSerializer(zero.getClass());
                    zeroSerializer = s;
                }
                g.writeName(_name);
                s.serialize(zero, g, ctxt);
            }
        }
    }

    /**
     * A property whose zero value is left out: written as before unless it holds {@code ""}, {@code false} or
     * {@code 0}.
     */
    private static final class OmitZeroWriter extends BeanPropertyWriter {
        OmitZeroWriter(BeanPropertyWriter base) {
            super(base);
        }

        @Override
        public void serializeAsProperty(Object bean, JsonGenerator g, SerializationContext ctxt) throws Exception {
            Object value = get(bean);
            if (value == null) {
                super.serializeAsProperty(bean, g, ctxt);
            } else if (!isZero(value) && !writeScalar(g, _name, value)) {
                super.serializeAsProperty(bean, g, ctxt);
            }
        }
    }

    /**
     * Writes {@code value} under {@code name} as Jackson's serializers for String, Boolean, Integer and Long do
     * (the model's scalar properties have none of their own); false, writing nothing, for any other type. Saves the
     * base writer's second read of the property.
     */
    private static boolean writeScalar(JsonGenerator g, SerializedString name, Object value) {
        switch (value) {
            case String s -> {
                g.writeName(name);
                g.writeString(s);
            }
            case Boolean b -> {
                g.writeName(name);
                g.writeBoolean(b);
            }
            case Integer i -> {
                g.writeName(name);
                g.writeNumber(i.intValue());
            }
            case Long l -> {
                g.writeName(name);
                g.writeNumber(l.longValue());
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private static Map<String, Zero> load() {
        Map<String, Zero> fields = new HashMap<>();
        read("go-zero-values.txt", fields);
        read("go-scalar-fields.txt", fields);
        return Map.copyOf(fields);
    }

    private static void read(String file, Map<String, Zero> fields) {
        try (InputStream in = GoZeroValues.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException(file + " is missing from the class path");
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.strip().split("\\s+");
                fields.put(parts[0], switch (parts[1]) {
                    case "{}" -> Zero.STRUCT;
                    case "null" -> Zero.NULL;
                    case "zero" -> Zero.SCALAR;
                    case "omitempty" -> Zero.OMITTED;
                    default -> throw new IllegalStateException(file + ": unknown zero " + line);
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> nullNames() {
        Set<String> names = new HashSet<>();
        FIELDS.forEach((field, zero) -> {
            if (zero == Zero.NULL) {
                names.add(field.substring(field.lastIndexOf('.') + 1));
            }
        });
        return Set.copyOf(names);
    }
}
