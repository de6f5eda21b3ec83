package dev.kapi.apiserver.api;

import dev.kapi.apiserver.api.schema.KubeSchemaNames;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.SerializationConfig;
import tools.jackson.databind.SerializationContext;
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
 * {@code metadata.creationTimestamp}). The fields are listed in {@code go-zero-values.txt} beside this class,
 * which says how that list was derived; custom resources and other classes are left as they are.
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
    /** {@code <kube definition>.<json name>} to whether the zero is {@code {}} (true) or {@code null} (false). */
    private static final Map<String, Boolean> FIELDS = load();
    private static final Set<String> NULL_NAMES = nullNames();

    GoZeroValues() {
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
            Boolean struct = FIELDS.get(kubeName + "." + p.getName());
            if (struct == null) {
                continue;
            }
            Object zero = null;
            if (struct) {
                zero = emptyInstance(p.getType().getRawClass());
                if (zero == null) {
                    continue; // not a model class: written as before
                }
            }
            if (changed == null) {
                changed = new ArrayList<>(properties);
            }
            changed.set(i, new ZeroWriter(p, zero));
        }
        return changed == null ? properties : changed;
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

        ZeroWriter(BeanPropertyWriter base, Object zero) {
            super(base);
            this.zero = zero;
        }

        @Override
        public void serializeAsProperty(Object bean, JsonGenerator g, SerializationContext ctxt) throws Exception {
            if (get(bean) != null) {
                super.serializeAsProperty(bean, g, ctxt);
                return;
            }
            g.writeName(_name);
            if (zero == null) {
                g.writeNull();
            } else {
                ctxt.writeValue(g, zero);
            }
        }
    }

    private static Map<String, Boolean> load() {
        Map<String, Boolean> fields = new HashMap<>();
        try (InputStream in = GoZeroValues.class.getResourceAsStream("go-zero-values.txt")) {
            if (in == null) {
                throw new IllegalStateException("go-zero-values.txt is missing from the class path");
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.strip().split("\\s+");
                fields.put(parts[0], parts[1].equals("{}"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(fields);
    }

    private static Set<String> nullNames() {
        Set<String> names = new HashSet<>();
        FIELDS.forEach((field, struct) -> {
            if (!struct) {
                names.add(field.substring(field.lastIndexOf('.') + 1));
            }
        });
        return Set.copyOf(names);
    }
}
