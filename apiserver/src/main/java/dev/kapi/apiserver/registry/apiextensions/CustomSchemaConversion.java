package dev.kapi.apiserver.registry.apiextensions;

import dev.kapi.apiserver.api.schema.Schema;
import dev.kapi.apiserver.api.schema.SchemaBuilder;
import tools.jackson.databind.JsonNode;

/** Placeholder until the structural schema engine lands: a free-form object. */
final class CustomSchemaConversion {

    private CustomSchemaConversion() {
    }

    static Schema toSchema(JsonNode openAPIV3Schema) {
        return SchemaBuilder.node().type("object").preserveUnknownFields().build();
    }
}
