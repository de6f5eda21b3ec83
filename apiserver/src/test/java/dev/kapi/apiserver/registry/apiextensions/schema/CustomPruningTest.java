package dev.kapi.apiserver.registry.apiextensions.schema;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class CustomPruningTest {

    private static final String ROOT = "{type: 'object', properties: {spec: {type: 'object', properties: {"
            + "a: {type: 'string'},"
            + "items: {type: 'array', items: {type: 'object', properties: {name: {type: 'string'}}}},"
            + "map: {type: 'object', additionalProperties: {type: 'object', properties: {x: {type: 'string'}}}},"
            + "free: {type: 'object', x-kubernetes-preserve-unknown-fields: true, properties: {known: {type: 'object', properties: {k: {type: 'string'}}}}},"
            + "any: {type: 'object', additionalProperties: true},"
            + "embedded: {type: 'object', x-kubernetes-embedded-resource: true, properties: {spec: {type: 'object', properties: {s: {type: 'string'}}}}}"
            + "}}}}";

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("known fields stay", "{apiVersion: 'v', kind: 'K', metadata: {name: 'n', x: 1}, spec: {a: 'x'}}",
                        "{apiVersion: 'v', kind: 'K', metadata: {name: 'n', x: 1}, spec: {a: 'x'}}", List.of()),
                arguments("unknown top-level and nested", "{spec: {a: 'x', foo: 1}, bar: 2}", "{spec: {a: 'x'}}",
                        List.of("spec.foo", "bar")),
                arguments("in array items", "{spec: {items: [{name: 'a', bar: 1}, {zip: 2}]}}",
                        "{spec: {items: [{name: 'a'}, {}]}}", List.of("spec.items[0].bar", "spec.items[1].zip")),
                arguments("in map values", "{spec: {map: {key: {x: 'a', y: 'b'}}}}", "{spec: {map: {key: {x: 'a'}}}}",
                        List.of("spec.map.key.y")),
                arguments("preserve keeps unknown but prunes known", "{spec: {free: {u: 1, known: {k: 'a', z: 1}}}}",
                        "{spec: {free: {u: 1, known: {k: 'a'}}}}", List.of("spec.free.known.z")),
                arguments("additionalProperties true keeps keys, drops what is under them",
                        "{spec: {any: {a: 1, b: {c: 1}}}}", "{spec: {any: {a: 1, b: {}}}}", List.of("spec.any.b.c")),
                arguments("embedded keeps apiVersion kind metadata",
                        "{spec: {embedded: {apiVersion: 'v1', kind: 'Pod', metadata: {name: 'p'}, spec: {s: 'x', t: 1}, extra: 1}}}",
                        "{spec: {embedded: {apiVersion: 'v1', kind: 'Pod', metadata: {name: 'p'}, spec: {s: 'x'}}}}",
                        List.of("spec.embedded.spec.t", "spec.embedded.extra")),
                arguments("wrong types are left alone", "{spec: {a: {deep: 1}, items: 'x', map: [1]}}",
                        "{spec: {a: {}, items: 'x', map: [1]}}", List.of("spec.a.deep")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void prunesLikeKube(String name, String object, String expected, List<String> removed) {
        ObjectNode o = J.object(object);
        List<String> paths = CustomPruning.prune(J.json(ROOT), o, true);
        assertThat(o).isEqualTo(J.json(expected));
        assertThat(paths).containsExactlyElementsOf(removed);
    }

    @Test
    void notAResourceRootDropsMetaFieldsSilently() {
        ObjectNode o = J.object("{apiVersion: 'v', kind: 'K', metadata: {}, spec: {a: 'x'}}");
        assertThat(CustomPruning.prune(J.json(ROOT), o, false)).isEmpty();
        assertThat(o).isEqualTo(J.json("{spec: {a: 'x'}}"));
    }
}
