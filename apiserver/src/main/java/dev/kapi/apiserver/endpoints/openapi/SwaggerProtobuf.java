package dev.kapi.apiserver.endpoints.openapi;

import com.google.protobuf.CodedOutputStream;
import dev.kapi.apiserver.api.Json;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import static dev.kapi.apiserver.endpoints.openapi.GnosticFields.*;

/**
 * Encodes the Swagger 2.0 document of {@link SwaggerDocument} as the gnostic {@code openapi.v2.Document}
 * protobuf that kube-apiserver serves for {@code Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf}
 * and client-go's {@code OpenAPISchema()} decodes. Only the fields the document uses are written; vendor
 * extensions ({@code x-...}) become {@code NamedAny} with their value as JSON text in {@code Any.yaml} (JSON
 * is YAML). A key the encoder does not know fails loudly rather than being dropped.
 */
final class SwaggerProtobuf {

    private static final Map<String, Integer> OPERATION_FIELDS = Map.of(
            "get", PATH_ITEM_GET, "put", PATH_ITEM_PUT, "post", PATH_ITEM_POST,
            "delete", PATH_ITEM_DELETE, "patch", PATH_ITEM_PATCH);

    private interface Body {
        void write(CodedOutputStream out) throws IOException;
    }

    private SwaggerProtobuf() {
    }

    /** The protobuf bytes of {@code doc}. */
    static byte[] encode(JsonNode doc) {
        return message(out -> {
            string(out, DOCUMENT_SWAGGER, doc.get("swagger"));
            out.writeByteArray(DOCUMENT_INFO, message(info -> {
                string(info, INFO_TITLE, doc.get("info").get("title"));
                string(info, INFO_VERSION, doc.get("info").get("version"));
            }));
            out.writeByteArray(DOCUMENT_PATHS, message(paths -> {
                for (Map.Entry<String, JsonNode> p : doc.get("paths").properties()) {
                    paths.writeByteArray(PATHS_PATH, named(p.getKey(), pathItem(p.getValue())));
                }
            }));
            out.writeByteArray(DOCUMENT_DEFINITIONS, namedSchemas(doc.get("definitions")));
            for (JsonNode requirement : doc.path("security")) {
                out.writeByteArray(DOCUMENT_SECURITY, message(r -> {
                    for (Map.Entry<String, JsonNode> e : requirement.properties()) {
                        r.writeByteArray(ADDITIONAL_PROPERTIES, named(e.getKey(),
                                message(a -> strings(a, STRING_LIST_VALUE, e.getValue()))));
                    }
                }));
            }
            if (doc.has("securityDefinitions")) {
                out.writeByteArray(DOCUMENT_SECURITY_DEFINITIONS, message(defs -> {
                    for (Map.Entry<String, JsonNode> e : doc.get("securityDefinitions").properties()) {
                        JsonNode s = e.getValue();
                        defs.writeByteArray(ADDITIONAL_PROPERTIES, named(e.getKey(), message(item ->
                                item.writeByteArray(SECURITY_ITEM_API_KEY, message(k -> {
                                    string(k, API_KEY_TYPE, s.get("type"));
                                    string(k, API_KEY_NAME, s.get("name"));
                                    string(k, API_KEY_IN, s.get("in"));
                                    string(k, API_KEY_DESCRIPTION, s.get("description"));
                                })))));
                    }
                }));
            }
        });
    }

    private static byte[] pathItem(JsonNode item) {
        return message(out -> {
            for (Map.Entry<String, JsonNode> e : item.properties()) {
                if (e.getKey().equals("parameters")) {
                    for (JsonNode p : e.getValue()) {
                        out.writeByteArray(PATH_ITEM_PARAMETERS, parameter(p));
                    }
                } else if (OPERATION_FIELDS.containsKey(e.getKey())) {
                    out.writeByteArray(OPERATION_FIELDS.get(e.getKey()), operation(e.getValue()));
                } else {
                    throw unknown("path item", e.getKey());
                }
            }
        });
    }

    private static byte[] operation(JsonNode op) {
        return message(out -> {
            for (Map.Entry<String, JsonNode> e : op.properties()) {
                JsonNode v = e.getValue();
                switch (e.getKey()) {
                    case "description" -> string(out, OPERATION_DESCRIPTION, v);
                    case "operationId" -> string(out, OPERATION_OPERATION_ID, v);
                    case "produces" -> strings(out, OPERATION_PRODUCES, v);
                    case "consumes" -> strings(out, OPERATION_CONSUMES, v);
                    case "schemes" -> strings(out, OPERATION_SCHEMES, v);
                    case "parameters" -> {
                        for (JsonNode p : v) {
                            out.writeByteArray(OPERATION_PARAMETERS, parameter(p));
                        }
                    }
                    case "responses" -> out.writeByteArray(OPERATION_RESPONSES, message(rs -> {
                        for (Map.Entry<String, JsonNode> r : v.properties()) {
                            rs.writeByteArray(RESPONSES_RESPONSE_CODE, named(r.getKey(), message(rv ->
                                    rv.writeByteArray(RESPONSE_VALUE_RESPONSE, response(r.getValue())))));
                        }
                    }));
                    default -> {
                        if (!e.getKey().startsWith("x-")) {
                            throw unknown("operation", e.getKey());
                        }
                        out.writeByteArray(OPERATION_VENDOR_EXTENSION, extension(e.getKey(), v));
                    }
                }
            }
        });
    }

    private static byte[] response(JsonNode r) {
        return message(out -> {
            string(out, RESPONSE_DESCRIPTION, r.get("description"));
            if (r.has("schema")) {
                out.writeByteArray(RESPONSE_SCHEMA, message(si -> si.writeByteArray(SCHEMA_ITEM_SCHEMA,
                        schema(r.get("schema")))));
            }
        });
    }

    /** A {@code ParametersItem} holding a body, query or path parameter. */
    private static byte[] parameter(JsonNode p) {
        String in = p.get("in").asString();
        byte[] parameter = message(out -> {
            if (in.equals("body")) {
                out.writeByteArray(PARAMETER_BODY_PARAMETER, message(b -> {
                    string(b, BODY_DESCRIPTION, p.get("description"));
                    string(b, BODY_NAME, p.get("name"));
                    string(b, BODY_IN, p.get("in"));
                    bool(b, BODY_REQUIRED, p.get("required"));
                    b.writeByteArray(BODY_SCHEMA, schema(p.get("schema")));
                }));
                return;
            }
            boolean query = in.equals("query");
            if (!query && !in.equals("path")) {
                throw unknown("parameter location", in);
            }
            byte[] sub = message(s -> {
                bool(s, SUB_REQUIRED, p.get("required"));
                string(s, SUB_IN, p.get("in"));
                string(s, SUB_DESCRIPTION, p.get("description"));
                string(s, SUB_NAME, p.get("name"));
                string(s, query ? QUERY_TYPE : PATH_TYPE, p.get("type"));
                bool(s, query ? QUERY_UNIQUE_ITEMS : PATH_UNIQUE_ITEMS, p.get("uniqueItems"));
            });
            out.writeByteArray(PARAMETER_NON_BODY_PARAMETER,
                    message(nb -> nb.writeByteArray(query ? NON_BODY_QUERY : NON_BODY_PATH, sub)));
        });
        return message(out -> out.writeByteArray(PARAMETERS_ITEM_PARAMETER, parameter));
    }

    /** A message of repeated {@code NamedSchema additional_properties = 1} (Definitions, Properties). */
    private static byte[] namedSchemas(JsonNode schemas) {
        return message(out -> {
            for (Map.Entry<String, JsonNode> e : schemas.properties()) {
                out.writeByteArray(ADDITIONAL_PROPERTIES, named(e.getKey(), schema(e.getValue())));
            }
        });
    }

    private static byte[] schema(JsonNode s) {
        return message(out -> {
            for (Map.Entry<String, JsonNode> e : s.properties()) {
                JsonNode v = e.getValue();
                switch (e.getKey()) {
                    case "$ref" -> string(out, SCHEMA_REF, v);
                    case "format" -> string(out, SCHEMA_FORMAT, v);
                    case "title" -> string(out, SCHEMA_TITLE, v);
                    case "description" -> string(out, SCHEMA_DESCRIPTION, v);
                    case "default" -> out.writeByteArray(SCHEMA_DEFAULT, any(v));
                    case "uniqueItems" -> bool(out, SCHEMA_UNIQUE_ITEMS, v);
                    case "multipleOf" -> out.writeDouble(SCHEMA_MULTIPLE_OF, v.asDouble());
                    case "maximum" -> out.writeDouble(SCHEMA_MAXIMUM, v.asDouble());
                    case "exclusiveMaximum" -> bool(out, SCHEMA_EXCLUSIVE_MAXIMUM, v);
                    case "minimum" -> out.writeDouble(SCHEMA_MINIMUM, v.asDouble());
                    case "exclusiveMinimum" -> bool(out, SCHEMA_EXCLUSIVE_MINIMUM, v);
                    case "maxLength" -> out.writeInt64(SCHEMA_MAX_LENGTH, v.asLong());
                    case "minLength" -> out.writeInt64(SCHEMA_MIN_LENGTH, v.asLong());
                    case "pattern" -> string(out, SCHEMA_PATTERN, v);
                    case "maxItems" -> out.writeInt64(SCHEMA_MAX_ITEMS, v.asLong());
                    case "minItems" -> out.writeInt64(SCHEMA_MIN_ITEMS, v.asLong());
                    case "maxProperties" -> out.writeInt64(SCHEMA_MAX_PROPERTIES, v.asLong());
                    case "minProperties" -> out.writeInt64(SCHEMA_MIN_PROPERTIES, v.asLong());
                    case "enum" -> {
                        for (JsonNode value : v) {
                            out.writeByteArray(SCHEMA_ENUM, any(value));
                        }
                    }
                    case "required" -> strings(out, SCHEMA_REQUIRED, v);
                    case "type" -> out.writeByteArray(SCHEMA_TYPE, message(t -> strings(t, STRING_LIST_VALUE,
                            v.isArray() ? v : Json.MAPPER.createArrayNode().add(v.asString()))));
                    case "items" -> out.writeByteArray(SCHEMA_ITEMS,
                            message(i -> i.writeByteArray(ITEMS_ITEM_SCHEMA, schema(v))));
                    case "properties" -> out.writeByteArray(SCHEMA_PROPERTIES, namedSchemas(v));
                    case "additionalProperties" -> out.writeByteArray(SCHEMA_ADDITIONAL_PROPERTIES, message(a -> {
                        if (v.isBoolean()) {
                            a.writeBool(ADDITIONAL_PROPERTIES_BOOLEAN, v.asBoolean());
                        } else {
                            a.writeByteArray(ADDITIONAL_PROPERTIES_SCHEMA, schema(v));
                        }
                    }));
                    default -> {
                        if (!e.getKey().startsWith("x-")) {
                            throw unknown("schema", e.getKey());
                        }
                        out.writeByteArray(SCHEMA_VENDOR_EXTENSION, extension(e.getKey(), v));
                    }
                }
            }
        });
    }

    /** A {@code NamedAny}: the extension's name and {@code Any{yaml: <value as JSON>}}. */
    private static byte[] extension(String name, JsonNode value) {
        return named(name, any(value));
    }

    /** An {@code Any{yaml: <value as JSON>}}, as gnostic writes defaults and extensions. */
    private static byte[] any(JsonNode value) {
        String text = Json.MAPPER.writeValueAsString(value);
        return message(any -> any.writeString(ANY_YAML, text));
    }

    /** A {@code Named*} message: {@code name = 1}, {@code value = 2}. */
    private static byte[] named(String name, byte[] value) {
        return message(out -> {
            out.writeString(NAMED_NAME, name);
            out.writeByteArray(NAMED_VALUE, value);
        });
    }

    private static void string(CodedOutputStream out, int field, JsonNode v) throws IOException {
        if (v != null && !v.isNull() && !v.asString().isEmpty()) {
            out.writeString(field, v.asString());
        }
    }

    private static void strings(CodedOutputStream out, int field, JsonNode list) throws IOException {
        for (JsonNode v : list) {
            out.writeString(field, v.asString());
        }
    }

    private static void bool(CodedOutputStream out, int field, JsonNode v) throws IOException {
        if (v != null && v.asBoolean(false)) {
            out.writeBool(field, true);
        }
    }

    private static IllegalStateException unknown(String where, String key) {
        return new IllegalStateException("no gnostic field for " + where + " key " + key);
    }

    private static byte[] message(Body body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            body.write(out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
