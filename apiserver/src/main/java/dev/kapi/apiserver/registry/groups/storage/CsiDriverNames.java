package dev.kapi.apiserver.registry.groups.storage;

import dev.kapi.apiserver.api.FieldError;

import java.util.List;
import java.util.regex.Pattern;

/** kube's {@code ValidateCSIDriverName}: required, at most 63 characters, a DNS-1123 subdomain in any case. */
final class CsiDriverNames {

    private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?$");

    private CsiDriverNames() {
    }

    static void check(String name, String path, List<FieldError> errs) {
        if (name == null || name.isEmpty()) {
            errs.add(FieldError.required(path, ""));
            return;
        }
        if (name.length() > 63) {
            errs.add(FieldError.tooLong(path, name, 63));
        }
        if (!NAME.matcher(name).matches()) {
            errs.add(FieldError.invalid(path, name, "a DNS-1123 subdomain must consist of alphanumeric characters, "
                    + "'-' or '.', and must start and end with an alphanumeric character (regex used for validation "
                    + "is '[a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?')"));
        }
    }

    /** A metadata.name check for the kinds named after their driver or node. */
    static List<String> nameMessages(String name) {
        List<FieldError> errs = new java.util.ArrayList<>();
        check(name, "metadata.name", errs);
        return errs.stream().map(FieldError::detail).filter(d -> d != null && !d.isEmpty()).toList();
    }
}
