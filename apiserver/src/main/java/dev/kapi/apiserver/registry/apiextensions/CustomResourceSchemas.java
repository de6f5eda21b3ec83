package dev.kapi.apiserver.registry.apiextensions;

import dev.kapi.apiserver.api.schema.Schema;
import dev.kapi.apiserver.api.schema.SchemaBuilder;
import dev.kapi.apiserver.registry.apiextensions.schema.CustomSchemas;
import dev.kapi.apiserver.registry.schema.BuiltInSchemas;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The schema a custom resource is served with (what OpenAPI, unknown-field detection and server-side apply
 * read): a definition named as kube names it ({@code com.example.v1.Widget} for group {@code example.com}),
 * with apiVersion, kind and the standard ObjectMeta beside the version's own fields.
 */
final class CustomResourceSchemas {

    private CustomResourceSchemas() {
    }

    /** kube's OpenAPI name of a custom kind: the group's labels reversed, then version and kind. */
    static String openApiName(String group, String version, String kind) {
        List<String> labels = new ArrayList<>(List.of(group.split("\\.")));
        java.util.Collections.reverse(labels);
        return String.join(".", labels) + "." + version + "." + kind;
    }

    static Schema root(String group, String version, String kind, JsonNode openAPIV3Schema) {
        Schema body = openAPIV3Schema == null ? SchemaBuilder.node().type("object").preserveUnknownFields().build()
                : CustomSchemas.toSchema(openAPIV3Schema);
        Schema root = SchemaBuilder.declare(openApiName(group, version, kind));
        SchemaBuilder b = SchemaBuilder.node().type("object").description(body.description())
                .property("apiVersion", SchemaBuilder.node().type("string").description(
                        "APIVersion defines the versioned schema of this representation of an object. Servers should "
                                + "convert recognized schemas to the latest internal value, and may reject unrecognized "
                                + "values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources")
                        .build())
                .property("kind", SchemaBuilder.node().type("string").description(
                        "Kind is a string value representing the REST resource this object represents. Servers may "
                                + "infer this from the endpoint the client submits requests to. Cannot be updated. In "
                                + "CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds")
                        .build())
                .property("metadata", BuiltInSchemas.meta("ObjectMeta"));
        body.properties().forEach((name, s) -> {
            if (!name.equals("apiVersion") && !name.equals("kind") && !name.equals("metadata")) {
                b.property(name, s);
            }
        });
        if (!body.required().isEmpty()) {
            b.required(body.required().toArray(String[]::new));
        }
        if (body.preserveUnknownFields()) {
            b.preserveUnknownFields();
        }
        b.define(root);
        return root;
    }
}
