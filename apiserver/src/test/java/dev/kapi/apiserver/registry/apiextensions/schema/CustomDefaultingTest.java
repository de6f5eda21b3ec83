package dev.kapi.apiserver.registry.apiextensions.schema;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class CustomDefaultingTest {

    private static final String ROOT = "{type: 'object', properties: {spec: {type: 'object', default: {}, properties: {"
            + "replicas: {type: 'integer', default: 1},"
            + "mode: {type: 'string', nullable: true, default: 'auto'},"
            + "obj: {type: 'object', default: {a: [1]}, properties: {a: {type: 'array', items: {type: 'integer'}}, b: {type: 'string', default: 'b'}}},"
            + "list: {type: 'array', items: {type: 'object', default: {n: 'x'}, properties: {n: {type: 'string'}, p: {type: 'integer', default: 80}}}},"
            + "map: {type: 'object', additionalProperties: {type: 'object', default: {d: true}, properties: {d: {type: 'boolean'}, e: {type: 'string', default: 'e'}}}}"
            + "}}}}";

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("absent spec gets its default, then its children", "{}",
                        "{spec: {replicas: 1, mode: 'auto', obj: {a: [1], b: 'b'}}}"),
                arguments("present values stay", "{spec: {replicas: 3, mode: 'x', obj: {a: [], b: 'c'}}}",
                        "{spec: {replicas: 3, mode: 'x', obj: {a: [], b: 'c'}}}"),
                arguments("null where not nullable is defaulted, nullable null stays", "{spec: {replicas: null, mode: null}}",
                        "{spec: {replicas: 1, mode: null, obj: {a: [1], b: 'b'}}}"),
                arguments("array items and their nulls", "{spec: {list: [{n: 'a'}, null]}}",
                        "{spec: {replicas: 1, mode: 'auto', obj: {a: [1], b: 'b'}, list: [{n: 'a', p: 80}, {n: 'x'}]}}"),
                arguments("additionalProperties values", "{spec: {map: {k: {}, z: null}}}",
                        "{spec: {replicas: 1, mode: 'auto', obj: {a: [1], b: 'b'}, map: {k: {e: 'e'}, z: {d: true}}}}"),
                arguments("wrong types are left alone", "{spec: {obj: 5, list: {}, map: 'x'}}",
                        "{spec: {replicas: 1, mode: 'auto', obj: 5, list: {}, map: 'x'}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void defaultsLikeKube(String name, String object, String expected) {
        ObjectNode o = J.object(object);
        CustomDefaulting.apply(J.json(ROOT), o);
        assertThat(o).isEqualTo(J.json(expected));
    }

    @Test
    void defaultsAreDeepCopies() {
        JsonNode schema = J.json(ROOT);
        ObjectNode first = J.object("{}");
        CustomDefaulting.apply(schema, first);
        ((ObjectNode) first.get("spec").get("obj")).putArray("a").add(99);
        ObjectNode second = J.object("{}");
        CustomDefaulting.apply(schema, second);
        assertThat(second.get("spec").get("obj").get("a")).isEqualTo(J.json("[1]"));
    }

    @Test
    void nonNullableNullsWithoutDefaultAreDropped() {
        ObjectNode o = J.object("{spec: {replicas: null, mode: null, other: null, obj: {a: null}}}");
        CustomDefaulting.dropNonNullableNulls(J.json(ROOT), o);
        assertThat(o).isEqualTo(J.json("{spec: {replicas: null, mode: null, other: null, obj: {}}}"));
    }
}
