package dev.kapi.apiserver.endpoints.protobuf;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.math.BigInteger;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Converts a parsed Kubernetes protobuf message to the JSON Go's encoding/json gives the same object, by
 * walking its descriptor: field names are the proto names (go-to-protobuf uses the JSON names), repeated
 * fields become arrays, map entries objects, bytes base64; apimachinery's custom-JSON types (IntOrString,
 * Quantity, Time, MicroTime, Duration, RawExtension, FieldsV1, apiextensions JSON) get their JSON forms;
 * Go's embedded {@code json:",inline"} structs are flattened into their parent.
 */
final class ProtobufJson {

    /** How deep objects embedded as protobuf in RawExtensions may nest. */
    static final int MAX_EMBEDDED = 32;
    private static final ThreadLocal<int[]> EMBEDDED_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";
    private static final String APIEXTENSIONS = "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.";

    /** Embedded Go structs ({@code json:",inline"}) whose fields belong to the parent's JSON object. */
    private static final Set<String> INLINE = Set.of(
            "Volume.volumeSource", "PersistentVolumeSpec.persistentVolumeSource", "Probe.handler",
            "EphemeralContainer.ephemeralContainerCommon", "IngressRule.ingressRuleValue",
            "RuleWithOperations.rule", "NamedRuleWithOperations.ruleWithOperations");

    /** Fields whose protobuf name is not their JSON name. */
    private static final Map<String, String> RENAMED = Map.of(
            "MutatingWebhookConfiguration.Webhooks", "webhooks",
            "ValidatingWebhookConfiguration.Webhooks", "webhooks",
            "Validation.Expression", "expression",
            "Variable.Name", "name",
            "Variable.Expression", "expression",
            "CustomResourceColumnDefinition.JSONPath", "jsonPath",
            "BoundObjectReference.uID", "uid",
            "IngressClassParametersReference.aPIGroup", "apiGroup");

    private ProtobufJson() {
    }

    /** The JSON object of a message with ordinary fields (not one of the custom-JSON types). */
    static ObjectNode object(Message message) {
        ObjectNode out = NODES.objectNode();
        putFields(message, out);
        return out;
    }

    /** The JSON of a message: its custom form for apimachinery's special types, else its object. */
    static JsonNode value(Message message) {
        Descriptor type = message.getDescriptorForType();
        String name = type.getFullName();
        switch (name) {
            case "k8s.io.apimachinery.pkg.util.intstr.IntOrString" -> {
                rejectUnknownFields(message);
                long kind = (long) field(message, "type");
                return kind == 1 ? NODES.stringNode((String) field(message, "strVal"))
                        : NODES.numberNode((int) field(message, "intVal"));
            }
            case "k8s.io.apimachinery.pkg.api.resource.Quantity",
                 "k8s.io.apimachinery.pkg.api.resource.QuantityValue" -> {
                String q = (String) field(message, "string");
                return NODES.stringNode(q.isEmpty() ? "0" : q);
            }
            case META + "Time", META + "MicroTime" -> {
                long seconds = (long) field(message, "seconds");
                int nanos = (int) field(message, "nanos");
                if (seconds == 0 && nanos == 0) {
                    return NODES.nullNode(); // Go's zero time.Time: "null" in JSON
                }
                try {
                    return NODES.stringNode(name.endsWith("MicroTime") ? GoFormats.microTime(seconds, nanos)
                            : GoFormats.time(seconds, nanos));
                } catch (java.time.DateTimeException e) {
                    throw StatusError.badRequest("the protobuf request body is malformed: a time of " + seconds
                            + " seconds and " + nanos + " nanoseconds is out of range");
                }
            }
            case META + "Duration" -> {
                return NODES.stringNode(dev.kapi.apiserver.api.GoDuration.format((long) field(message, "duration")));
            }
            case META + "FieldsV1" -> {
                return rawJson((ByteString) field(message, "Raw"));
            }
            case "k8s.io.apimachinery.pkg.runtime.RawExtension" -> {
                ByteString raw = (ByteString) field(message, "raw");
                if (!raw.isEmpty() && ProtobufBodies.hasMagic(raw.toByteArray())) {
                    return embedded(raw.toByteArray());
                }
                return rawJson(raw);
            }
            case META + "Verbs" -> {
                return array(message, type.findFieldByName("items"));
            }
            default -> {
                return special(message, type);
            }
        }
    }

    /**
     * An object embedded as protobuf in a RawExtension, decoded on its own; at most {@value #MAX_EMBEDDED} deep
     * (each is a fresh parse, which protobuf's own nesting limit does not see: envelopes nested in envelopes
     * overflowed the stack, a 500).
     */
    private static JsonNode embedded(byte[] raw) {
        int[] depth = EMBEDDED_DEPTH.get();
        if (depth[0] >= MAX_EMBEDDED) {
            throw StatusError.badRequest("the protobuf request body is malformed: objects embedded in "
                    + "RawExtensions are nested more than " + MAX_EMBEDDED + " deep");
        }
        depth[0]++;
        try {
            return ProtobufBodies.decode(raw);
        } finally {
            depth[0]--;
        }
    }

    private static JsonNode special(Message message, Descriptor type) {
        String name = type.getFullName();
        if (type.getName().equals("ExtraValue") && name.startsWith("k8s.io.api.")) {
            return array(message, type.findFieldByName("items"));
        }
        if (name.startsWith(APIEXTENSIONS)) {
            switch (type.getName()) {
                case "JSON" -> {
                    return rawJson((ByteString) field(message, "raw"));
                }
                case "JSONSchemaPropsOrArray" -> {
                    return present(message, "schema") ? value((Message) field(message, "schema"))
                            : array(message, type.findFieldByName("jSONSchemas"));
                }
                case "JSONSchemaPropsOrBool" -> {
                    return present(message, "schema") ? value((Message) field(message, "schema"))
                            : NODES.booleanNode((boolean) field(message, "allows"));
                }
                case "JSONSchemaPropsOrStringArray" -> {
                    if (message.getRepeatedFieldCount(type.findFieldByName("property")) > 0) {
                        return array(message, type.findFieldByName("property"));
                    }
                    return present(message, "schema") ? value((Message) field(message, "schema")) : NODES.nullNode();
                }
                default -> {
                    return object(message);
                }
            }
        }
        return object(message);
    }

    private static void putFields(Message message, ObjectNode out) {
        rejectUnknownFields(message);
        Descriptor type = message.getDescriptorForType();
        for (FieldDescriptor field : type.getFields()) {
            String key = type.getName() + "." + field.getName();
            if (field.isRepeated()) {
                if (message.getRepeatedFieldCount(field) == 0) {
                    continue;
                }
                out.set(jsonName(type, field), field.isMapField() ? map(message, field) : array(message, field));
            } else if (message.hasField(field)) {
                Object v = message.getField(field);
                if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && isInline(key, field)) {
                    putFields((Message) v, out);
                } else {
                    String name = jsonName(type, field);
                    if (!GoOmittedZeros.omitted(type.getFullName(), name, v)) {
                        out.set(name, scalarOrMessage(field, v));
                    }
                }
            }
        }
    }

    private static boolean isInline(String key, FieldDescriptor field) {
        return INLINE.contains(key) || field.getName().equals("localObjectReference")
                && field.getMessageType().getName().equals("LocalObjectReference");
    }

    private static String jsonName(Descriptor type, FieldDescriptor field) {
        String renamed = RENAMED.get(type.getName() + "." + field.getName());
        if (renamed != null) {
            return renamed;
        }
        String name = field.getName();
        if (type.getName().equals("JSONSchemaProps") && type.getFullName().startsWith(APIEXTENSIONS)) {
            if (name.equals("ref") || name.equals("schema")) {
                return "$" + name;
            }
            if (name.startsWith("xKubernetes")) {
                return "x" + name.substring(1).replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
            }
        }
        return name;
    }

    private static ArrayNode array(Message message, FieldDescriptor field) {
        ArrayNode out = NODES.arrayNode();
        for (int i = 0; i < message.getRepeatedFieldCount(field); i++) {
            out.add(scalarOrMessage(field, message.getRepeatedField(field, i)));
        }
        return out;
    }

    private static ObjectNode map(Message message, FieldDescriptor field) {
        ObjectNode out = NODES.objectNode();
        FieldDescriptor keyField = field.getMessageType().findFieldByName("key");
        FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
        for (int i = 0; i < message.getRepeatedFieldCount(field); i++) {
            Message entry = (Message) message.getRepeatedField(field, i);
            out.set(String.valueOf(entry.getField(keyField)), scalarOrMessage(valueField, entry.getField(valueField)));
        }
        return out;
    }

    private static JsonNode scalarOrMessage(FieldDescriptor field, Object v) {
        return switch (field.getType()) {
            case MESSAGE, GROUP -> value((Message) v);
            case STRING -> NODES.stringNode((String) v);
            case BOOL -> NODES.booleanNode((boolean) v);
            case INT32, SINT32, SFIXED32 -> NODES.numberNode((int) v);
            case INT64, SINT64, SFIXED64 -> number((long) v);
            case UINT32, FIXED32 -> number(Integer.toUnsignedLong((int) v));
            case UINT64, FIXED64 -> NODES.numberNode(new BigInteger(Long.toUnsignedString((long) v)));
            case FLOAT -> NODES.numberNode((float) v);
            case DOUBLE -> NODES.numberNode((double) v);
            case BYTES -> NODES.stringNode(Base64.getEncoder().encodeToString(((ByteString) v).toByteArray()));
            case ENUM -> NODES.stringNode(((EnumValueDescriptor) v).getName());
        };
    }

    /** The node Jackson reads for the same JSON number: an int when it fits, else a long. */
    private static JsonNode number(long v) {
        return v == (int) v ? NODES.numberNode((int) v) : NODES.numberNode(v);
    }

    private static Object field(Message message, String name) {
        FieldDescriptor field = message.getDescriptorForType().findFieldByName(name);
        return message.getField(field);
    }

    private static boolean present(Message message, String name) {
        return message.hasField(message.getDescriptorForType().findFieldByName(name));
    }

    /** Bytes that hold JSON (RawExtension, FieldsV1, apiextensions JSON); absent bytes are Go's nil: null. */
    private static JsonNode rawJson(ByteString raw) {
        if (raw.isEmpty()) {
            return NODES.nullNode();
        }
        try {
            return Json.MAPPER.readTree(raw.toByteArray());
        } catch (JacksonException e) {
            throw StatusError.badRequest("the protobuf request body is malformed: an embedded JSON value is not "
                    + "valid JSON: " + e.getOriginalMessage());
        }
    }

    /**
     * A field this server's schema does not know (a newer Kubernetes' field) is accepted only when it holds
     * a Go zero value, which Go writes for every non-pointer field; anything else would be silently lost.
     */
    private static void rejectUnknownFields(Message message) {
        for (Map.Entry<Integer, UnknownFieldSet.Field> e : message.getUnknownFields().asMap().entrySet()) {
            if (!isZero(e.getValue())) {
                throw unsupported("protobuf is not supported for field " + e.getKey() + " of "
                        + message.getDescriptorForType().getName() + ", which this server does not know; "
                        + "send the object as application/json");
            }
        }
    }

    private static boolean isZero(UnknownFieldSet.Field field) {
        if (!field.getGroupList().isEmpty()) {
            return false;
        }
        return field.getVarintList().stream().allMatch(v -> v == 0)
                && field.getFixed32List().stream().allMatch(v -> v == 0)
                && field.getFixed64List().stream().allMatch(v -> v == 0)
                && field.getLengthDelimitedList().stream().allMatch(ProtobufJson::isZeroMessage);
    }

    /** Empty bytes, or a nested message (a non-pointer struct) whose fields are all zero values. */
    private static boolean isZeroMessage(ByteString bytes) {
        if (bytes.isEmpty()) {
            return true;
        }
        try {
            UnknownFieldSet nested = UnknownFieldSet.parseFrom(bytes);
            return nested.asMap().values().stream().allMatch(ProtobufJson::isZero);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            return false;
        }
    }

    /** 415 UnsupportedMediaType with the reason protobuf cannot be used; the client should send JSON. */
    static StatusError unsupported(String why) {
        return new StatusError(StatusError.status(415, "UnsupportedMediaType",
                "the body of the request was in an unknown format - " + why, null));
    }
}
