package dev.kapi.apiserver.endpoints.decoding;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.DeserializationProblemHandler;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of a request body that a fabric8 class without a catch-all map has no property for, which Jackson
 * would drop unseen: apiextensions' {@code JSONSchemaProps}, the keywords of a CRD's schema, is the one such
 * class a body can reach. A read through {@link #reader} records them by the bean they were met in, so that
 * unknown-field detection can report them where kube's strict decoder does
 * ({@code spec.versions[0].schema.openAPIV3Schema.properties.spec.maxLenght}). One instance per read.
 */
public final class UnmappedFields {

    private static final String ATTRIBUTE = UnmappedFields.class.getName();

    private final Map<Object, List<String>> byBean = new IdentityHashMap<>(0);

    /** A reader of {@code type} with {@link GoJson#MAPPER} that records into this instance. */
    public ObjectReader reader(Class<?> type) {
        return GoJson.MAPPER.readerFor(type).withAttribute(ATTRIBUTE, this);
    }

    /** The JSON fields, in the order met, that {@code bean} had no property for; empty when none. */
    public List<String> of(Object bean) {
        List<String> fields = byBean.get(bean);
        return fields == null ? List.of() : fields;
    }

    /** Registered on {@link GoJson#MAPPER}: records an unmapped field when the read carries an instance. */
    static final class Recorder extends DeserializationProblemHandler {
        @Override
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p,
                                             ValueDeserializer<?> deserializer, Object beanOrClass,
                                             String propertyName) {
            if (!(ctxt.getAttribute(ATTRIBUTE) instanceof UnmappedFields into) || beanOrClass instanceof Class<?>) {
                return false; // dropped, as without this handler
            }
            into.byBean.computeIfAbsent(beanOrClass, b -> new ArrayList<>(1)).add(propertyName);
            p.skipChildren();
            return true;
        }
    }
}
