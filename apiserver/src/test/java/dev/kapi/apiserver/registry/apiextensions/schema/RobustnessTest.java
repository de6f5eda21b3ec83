package dev.kapi.apiserver.registry.apiextensions.schema;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** A large generated schema validates fast; odd schemas and values never make the engine throw. */
class RobustnessTest {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** An object schema {@code depth} levels deep, each level with scalar fields of many keywords and two children. */
    private static ObjectNode schema(int depth) {
        ObjectNode s = F.objectNode().put("type", "object");
        ObjectNode props = s.putObject("properties");
        for (int i = 0; i < 8; i++) {
            props.set("s" + i, J.json("{type: 'string', maxLength: 64, pattern: '^[a-z0-9-]*$', enum: ['a', 'b', 'c-" + i + "']}"));
            props.set("n" + i, J.json("{type: 'integer', minimum: 0, maximum: 1000, multipleOf: 1, default: " + i + "}"));
        }
        props.set("ip", J.json("{type: 'string', format: 'ipv4'}"));
        props.set("tags", J.json("{type: 'array', x-kubernetes-list-type: 'set', maxItems: 10, items: {type: 'string'}}"));
        props.set("labels", J.json("{type: 'object', additionalProperties: {type: 'string'}}"));
        props.set("port", J.json("{x-kubernetes-int-or-string: true, anyOf: [{type: 'integer'}, {type: 'string'}]}"));
        if (depth > 0) {
            props.set("left", schema(depth - 1));
            ObjectNode list = props.putObject("items");
            list.put("type", "array").put("x-kubernetes-list-type", "map").putArray("x-kubernetes-list-map-keys").add("s0");
            ObjectNode item = schema(depth - 1);
            item.putArray("required").add("s0");
            list.set("items", item);
        }
        return s;
    }

    private static ObjectNode value(int depth) {
        ObjectNode v = F.objectNode();
        for (int i = 0; i < 8; i++) {
            v.put("s" + i, "a");
            v.put("n" + i, i * 3);
        }
        v.put("ip", "10.0.0.1");
        v.putArray("tags").add("x").add("y");
        v.putObject("labels").put("app", "web");
        v.put("port", 8080);
        if (depth > 0) {
            v.set("left", value(depth - 1));
            ArrayNode items = v.putArray("items");
            items.add(value(depth - 1));
            items.add(value(depth - 1).put("s0", "b"));
        }
        return v;
    }

    @Test
    void aSchemaOfThousandsOfLinesValidatesQuickly() {
        ObjectNode schema = schema(5);
        int lines = schema.toPrettyString().split("\n").length;
        assertThat(lines).isGreaterThan(5_000);
        ObjectNode object = value(5);
        assertThat(StructuralSchemaCheck.check(schema, "s")).isEmpty();
        CustomResourceValidator validator = new CustomResourceValidator(schema);
        assertThat(validator.validate(object)).isEmpty();
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            assertThat(validator.validate(object)).isEmpty();
            ObjectNode copy = object.deepCopy();
            assertThat(CustomPruning.prune(schema, copy, false)).isEmpty();
            CustomDefaulting.apply(schema, copy);
        }
        long perRound = (System.nanoTime() - start) / 20;
        assertThat(perRound).as("ns per validate+prune+default of a %d-line schema", lines).isLessThan(200_000_000L);
    }

    private static final List<JsonNode> ODD = List.of(F.nullNode(), F.booleanNode(true), F.numberNode(-1),
            F.numberNode(1.5e300), F.stringNode("("), F.arrayNode().add(1).add(F.objectNode()), F.objectNode(),
            F.objectNode().put("type", 5), F.numberNode(new java.math.BigInteger("123456789012345678901234567890")));

    private static final List<String> KEYWORDS = List.of("type", "format", "nullable", "default", "properties", "required",
            "items", "additionalProperties", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-int-or-string",
            "x-kubernetes-embedded-resource", "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type",
            "enum", "pattern", "maximum", "minimum", "multipleOf", "maxLength", "minLength", "maxItems", "minItems",
            "uniqueItems", "maxProperties", "minProperties", "allOf", "anyOf", "oneOf", "not", "$ref", "definitions",
            "dependencies", "additionalItems", "patternProperties", "id", "$schema", "exclusiveMinimum", "exclusiveMaximum");

    private static JsonNode randomSchema(Random r, int depth) {
        ObjectNode s = F.objectNode();
        for (String k : KEYWORDS) {
            if (r.nextInt(4) != 0) {
                continue;
            }
            if (depth > 0 && r.nextBoolean()) {
                JsonNode child = randomSchema(r, depth - 1);
                s.set(k, switch (r.nextInt(3)) {
                    case 0 -> child;
                    case 1 -> F.arrayNode().add(child).add(F.stringNode("x"));
                    default -> F.objectNode().set("p", child);
                });
            } else {
                s.set(k, ODD.get(r.nextInt(ODD.size())));
            }
        }
        return s;
    }

    private static JsonNode randomValue(Random r, int depth) {
        if (depth == 0 || r.nextInt(3) == 0) {
            return ODD.get(r.nextInt(ODD.size()));
        }
        if (r.nextBoolean()) {
            ArrayNode a = F.arrayNode();
            for (int i = r.nextInt(4); i > 0; i--) {
                a.add(randomValue(r, depth - 1));
            }
            return a;
        }
        ObjectNode o = F.objectNode();
        for (String k : List.of("p", "type", "apiVersion", "kind", "metadata", "spec")) {
            if (r.nextBoolean()) {
                o.set(k, randomValue(r, depth - 1));
            }
        }
        return o;
    }

    @Test
    void oddSchemasAndValuesNeverThrow() {
        Random r = new Random(42);
        List<Throwable> thrown = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            JsonNode schema = randomSchema(r, 3);
            JsonNode value = randomValue(r, 4);
            ObjectNode object = value instanceof ObjectNode o ? o : F.objectNode().set("p", value);
            try {
                StructuralSchemaCheck.check(schema, "s");
                new CustomResourceValidator(schema).validate(value);
                CustomSchemas.toSchema(schema);
                CustomDefaulting.apply(schema, object);
                CustomDefaulting.dropNonNullableNulls(schema, object);
                CustomPruning.prune(schema, object, r.nextBoolean());
            } catch (Throwable t) {
                thrown.add(t);
            }
        }
        assertThat(thrown).isEmpty();
    }

    @Test
    void wrongJsonTypesEverywhereAreFieldErrors() {
        CustomResourceValidator v = new CustomResourceValidator(schema(1));
        assertThatCode(() -> v.validate(J.json("{s0: 5, n0: 'x', ip: 7, tags: {}, labels: [], port: {}, left: 'x', items: 3}")))
                .doesNotThrowAnyException();
        assertThat(v.validate(J.json("{s0: 5, n0: 'x', tags: {}, left: 'x'}"))).hasSizeGreaterThanOrEqualTo(4);
    }
}
