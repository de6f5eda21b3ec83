package dev.kapi.apiserver.endpoints.decoding;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.Quantities;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.Quantity;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.deser.BeanDeserializerBuilder;
import tools.jackson.databind.deser.SettableBeanProperty;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The mapper request bodies are decoded with: as strict as kube's decoder (Go's encoding/json), where the
 * shared {@link Json#MAPPER} (storage reads, internal conversions) is lenient. No scalar coercion
 * ({@code "replicas":"3"}, {@code "name":123}, {@code 2.0} for an int32 are errors), IntOrString takes an
 * int32 or a string, Quantity a string or number in kube's syntax (kept in canonical form), Time and
 * MicroTime fields an RFC 3339 string (kept in kube's normal form: UTC, seconds or microseconds), and a null
 * in a list or map is the element type's zero value as in Go. Fields a class without a catch-all map cannot hold are
 * recorded when the read asks for it ({@link UnmappedFields}). Failures are {@link tools.jackson.core.JacksonException}s that
 * {@link DecodeErrors} turns into Go's messages.
 */
public final class GoJson {

    public static final JsonMapper MAPPER = Json.MAPPER.rebuild()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .changeDefaultNullHandling(h -> JsonSetter.Value.construct(Nulls.DEFAULT, Nulls.AS_EMPTY))
            .addMixIn(IntOrString.class, StrictIntOrString.class)
            .addMixIn(Quantity.class, StrictQuantity.class)
            .addMixIn(MicroTime.class, StrictMicroTime.class)
            .addModule(new SimpleModule("go-time-fields").setDeserializerModifier(new TimeProperties()))
            .addHandler(new UnmappedFields.Recorder())
            .build();

    private GoJson() {
    }

    @JsonDeserialize(using = IntOrStringDeserializer.class)
    private abstract static class StrictIntOrString {
    }

    @JsonDeserialize(using = QuantityDeserializer.class)
    private abstract static class StrictQuantity {
    }

    @JsonDeserialize(using = MicroTimeDeserializer.class)
    private abstract static class StrictMicroTime {
    }

    /** intstr.IntOrString: a JSON string, or an int32. */
    static final class IntOrStringDeserializer extends ValueDeserializer<IntOrString> {
        @Override
        public IntOrString deserialize(JsonParser p, DeserializationContext ctxt) {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                return new IntOrString(p.getString());
            }
            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
                return new IntOrString(p.getIntValue());
            }
            throw GoDecodeException.mismatch(p, "int32");
        }
    }

    /**
     * resource.Quantity: a string or a number, in kube's quantity syntax, kept as kube answers it once decoded:
     * in canonical form ({@code 0.5} is {@code 500m}, {@code 2048Mi} is {@code 2Gi}; {@link Quantities#canonical}).
     * Only built-in types have Quantity fields; a custom resource's quantities are plain JSON and stay as sent.
     */
    static final class QuantityDeserializer extends ValueDeserializer<Quantity> {
        @Override
        public Quantity deserialize(JsonParser p, DeserializationContext ctxt) {
            JsonToken t = p.currentToken();
            String text = t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_INT
                    || t == JsonToken.VALUE_NUMBER_FLOAT ? p.getString().strip() : null;
            String error = text == null ? GoQuantity.FORMAT_WRONG : GoQuantity.check(text);
            if (error != null) {
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    p.skipChildren();
                }
                throw GoDecodeException.parse(p, error);
            }
            return new Quantity(Quantities.canonical(text));
        }
    }

    /** metav1.MicroTime: an RFC 3339 string with microseconds. */
    static final class MicroTimeDeserializer extends ValueDeserializer<MicroTime> {
        @Override
        public MicroTime deserialize(JsonParser p, DeserializationContext ctxt) {
            return new MicroTime(GoTime.format(time(p, true), true));
        }
    }

    /** A Time or MicroTime field that fabric8 holds as a String (kube's normal form) or a ZonedDateTime. */
    static final class TimeDeserializer extends ValueDeserializer<Object> {
        private final boolean micro;
        private final boolean zoned;

        TimeDeserializer(boolean micro, boolean zoned) {
            this.micro = micro;
            this.zoned = zoned;
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) {
            Instant t = time(p, micro);
            return zoned ? ZonedDateTime.ofInstant(t, ZoneOffset.UTC) : GoTime.format(t, micro);
        }
    }

    /** The instant of a timestamp string at the parser; Go's errors for anything else. */
    static Instant time(JsonParser p, boolean micro) {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw GoDecodeException.mismatch(p, "string");
        }
        try {
            return GoTime.parse(p.getString(), micro);
        } catch (GoTime.ParseError e) {
            throw GoDecodeException.parse(p, e.getMessage());
        }
    }

    /** Gives the Time and MicroTime properties of {@link TimeFields} their parsing deserializer. */
    private static final class TimeProperties extends ValueDeserializerModifier {
        @Override
        public BeanDeserializerBuilder updateBuilder(DeserializationConfig config,
                                                     BeanDescription.Supplier beanDesc,
                                                     BeanDeserializerBuilder builder) {
            Class<?> type = beanDesc.getBeanClass();
            List<SettableBeanProperty> replaced = new ArrayList<>();
            builder.getProperties().forEachRemaining(prop -> {
                Boolean micro = TimeFields.micro(type, prop.getName());
                Class<?> raw = prop.getType().getRawClass();
                if (micro != null && (raw == String.class || raw == ZonedDateTime.class)) {
                    replaced.add(prop.withValueDeserializer(new TimeDeserializer(micro, raw == ZonedDateTime.class)));
                }
            });
            replaced.forEach(prop -> builder.addOrReplaceProperty(prop, true));
            return builder;
        }
    }
}
