package dev.kapi.apiserver.registry.apiextensions.schema;

import dev.kapi.apiserver.api.schema.Schema;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CustomSchemasTest {

    @Test
    void carriesTheStructure() {
        Schema root = CustomSchemas.toSchema(J.json("{type: 'object', description: 'root', required: ['spec'], properties: {"
                + "spec: {type: 'object', properties: {"
                + "  replicas: {type: 'integer', format: 'int32', default: 1, minimum: 0},"
                + "  name: {type: 'string', nullable: true},"
                + "  port: {x-kubernetes-int-or-string: true, anyOf: [{type: 'integer'}, {type: 'string'}]},"
                + "  ports: {type: 'array', x-kubernetes-list-type: 'map', x-kubernetes-list-map-keys: ['name', 'proto'],"
                + "    items: {type: 'object', properties: {name: {type: 'string'}, proto: {type: 'string'}}}},"
                + "  labels: {type: 'object', additionalProperties: {type: 'string'}},"
                + "  any: {type: 'object', additionalProperties: true},"
                + "  closed: {type: 'object', additionalProperties: false},"
                + "  selector: {type: 'object', x-kubernetes-map-type: 'atomic', properties: {a: {type: 'string'}}},"
                + "  free: {x-kubernetes-preserve-unknown-fields: true},"
                + "  template: {type: 'object', x-kubernetes-embedded-resource: true, x-kubernetes-preserve-unknown-fields: true}"
                + "}}}}"));
        assertThat(root.type()).isEqualTo("object");
        assertThat(root.description()).isEqualTo("root");
        assertThat(root.required()).containsExactly("spec");
        Schema spec = root.properties().get("spec");
        assertThat(spec.properties().keySet()).containsExactly("replicas", "name", "port", "ports", "labels", "any",
                "closed", "selector", "free", "template");
        Schema replicas = spec.field("replicas");
        assertThat(replicas.type()).isEqualTo("integer");
        assertThat(replicas.format()).isEqualTo("int32");
        assertThat(replicas.defaultValue()).isEqualTo(J.json("1"));
        assertThat(spec.field("name").nullable()).isTrue();
        Schema port = spec.field("port");
        assertThat(port.intOrString()).isTrue();
        assertThat(port.oneOf()).containsExactly("integer", "string");
        Schema ports = spec.field("ports");
        assertThat(ports.listType()).isEqualTo("map");
        assertThat(ports.listMapKeys()).isEqualTo(List.of("name", "proto"));
        assertThat(ports.items().properties()).containsOnlyKeys("name", "proto");
        assertThat(spec.field("labels").additionalProperties().type()).isEqualTo("string");
        assertThat(spec.field("any").additionalProperties().preserveUnknownFields()).isTrue();
        assertThat(spec.field("closed").additionalProperties()).isNull();
        assertThat(spec.field("selector").mapType()).isEqualTo("atomic");
        assertThat(spec.field("free").preserveUnknownFields()).isTrue();
        assertThat(spec.field("free").type()).isEmpty();
        assertThat(spec.field("template").embeddedResource()).isTrue();
        assertThat(root.name()).isEmpty();
        assertThat(root.definition()).isNull();
    }

    @Test
    void aMissingSchemaPreservesEverything() {
        assertThat(CustomSchemas.toSchema(null).preserveUnknownFields()).isTrue();
        assertThat(CustomSchemas.toSchema(J.json("'x'")).preserveUnknownFields()).isTrue();
    }

    @Test
    void aPreparedSchemaDefaultsPrunesAndValidates() {
        PreparedSchema prepared = new PreparedSchema(J.json("{type: 'object', properties: {spec: {type: 'object', properties: {"
                + "replicas: {type: 'integer', maximum: 3, default: 5}}}}}"));
        var object = J.object("{apiVersion: 'v', kind: 'K', metadata: {name: 'x'}, spec: {extra: 1}}");
        prepared.applyDefaults(object);
        assertThat(prepared.prune(object, true)).containsExactly("spec.extra");
        assertThat(object).isEqualTo(J.json("{apiVersion: 'v', kind: 'K', metadata: {name: 'x'}, spec: {replicas: 5}}"));
        assertThat(J.lines(prepared.validate(object)))
                .containsExactly("spec.replicas: Invalid value: 5: spec.replicas in body should be less than or equal to 3");
    }
}
