package dev.kapi.apiserver.registry.apiextensions.schema;

import dev.kapi.apiserver.api.FieldError;

import java.util.ArrayList;
import java.util.List;

/**
 * One failure of kube-openapi's schema validator: its code, the dotted name it reports ({@code spec.replicas},
 * empty at the root), the bad value and the message, and how apiextensions turns it into a field error
 * ({@code kubeOpenAPIResultToFieldErrors}).
 */
record Issue(Code code, String name, Object value, String message, List<String> values, long limit) {

    enum Code { REQUIRED, ENUM, TOO_LONG, MAX_ITEMS, TOO_MANY_PROPERTIES, INVALID_TYPE, OTHER, COMPOSITE }

    static Issue of(Code code, String name, Object value, String message) {
        return new Issue(code, name, value, message, List.of(), 0);
    }

    /** The field errors of {@code issues} under {@code prefix} (null: kube's nil path, printed {@code <nil>}). */
    static List<FieldError> toFieldErrors(String prefix, List<Issue> issues) {
        List<FieldError> out = new ArrayList<>(issues.size());
        for (Issue i : issues) {
            out.add(i.toFieldError(prefix));
        }
        return out;
    }

    FieldError toFieldError(String prefix) {
        if (code == Code.COMPOSITE) {
            return FieldError.invalid(prefix == null ? "<nil>" : prefix, "", message);
        }
        String path = prefix;
        if (!name.isEmpty() && !name.equals(".")) {
            String child = name.startsWith(".") ? name.substring(1) : name;
            path = prefix == null || prefix.isEmpty() ? child : prefix + "." + child;
        }
        if (path == null) {
            path = "<nil>";
        }
        Object bad = value == null ? "" : value;
        return switch (code) {
            case REQUIRED -> FieldError.required(path, "");
            case ENUM -> FieldError.notSupported(path, value, values);
            case TOO_LONG -> FieldError.tooLong(path, bad, (int) limit);
            case MAX_ITEMS, TOO_MANY_PROPERTIES -> new FieldError(FieldError.Type.TOO_MANY, path, value,
                    "must have at most " + limit + (limit == 1 ? " item" : " items"));
            default -> FieldError.invalid(path, bad, message);
        };
    }
}
