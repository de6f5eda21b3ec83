package dev.kapi.apiserver.registry.apiextensions;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.apiextensions.cel.CelValidation;
import dev.kapi.apiserver.registry.apiextensions.schema.StructuralSchemaCheck;
import dev.kapi.apiserver.registry.apiextensions.conversion.ConversionChecks;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The CRD-time checks of each version's schema: structural, CEL rules within their cost budget, and the
 * conversion settings.
 */
final class CrdSchemas {

    private CrdSchemas() {
    }

    static List<FieldError> validate(CustomResourceDefinition crd) {
        List<FieldError> errs = new ArrayList<>();
        if (crd.getSpec() == null) {
            return errs;
        }
        errs.addAll(ConversionChecks.validate(crd));
        var versions = crd.getSpec().getVersions();
        for (int i = 0; versions != null && i < versions.size(); i++) {
            var v = versions.get(i);
            if (v.getSchema() == null || v.getSchema().getOpenAPIV3Schema() == null) {
                continue;
            }
            String path = "spec.versions[" + i + "].schema.openAPIV3Schema";
            JsonNode schema = Json.tree(v.getSchema().getOpenAPIV3Schema());
            List<FieldError> structural = StructuralSchemaCheck.check(schema, path);
            errs.addAll(structural);
            if (structural.isEmpty()) {
                errs.addAll(CelValidation.compile(schema, path).errors());
            }
        }
        return errs;
    }
}
