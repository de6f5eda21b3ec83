package dev.kapi.apiserver.registry.apiextensions.cel;

/**
 * kube's ValidFieldPath: a rule's {@code fieldPath} is a JSON path of field ({@code .name}) and map key
 * ({@code ['key']}) selections that exist in the rule's schema; it normalizes to a field path suffix
 * ({@code spec.limits[cpu]}).
 */
final class FieldPaths {

    private FieldPaths() {
    }

    /** The normalized path, or throws with kube's reason. */
    static String normalize(String jsonPath, RuleSchema schema) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        int n = jsonPath.length();
        while (i < n) {
            char c = jsonPath.charAt(i);
            String name;
            if (c == '.') {
                int end = i + 1;
                while (end < n && ".[]".indexOf(jsonPath.charAt(end)) < 0) {
                    end++;
                }
                if (end == i + 1) {
                    throw new IllegalArgumentException("unexpected end of JSON path");
                }
                name = jsonPath.substring(i + 1, end);
                i = end;
            } else if (c == '[') {
                if (i + 1 >= n || jsonPath.charAt(i + 1) != '\'') {
                    throw new IllegalArgumentException("expected single quoted string but got "
                            + jsonPath.substring(i + 1, Math.min(n, i + 2)));
                }
                StringBuilder key = new StringBuilder();
                int j = i + 2;
                while (j < n && jsonPath.charAt(j) != '\'') {
                    if (jsonPath.charAt(j) == '\\' && j + 1 < n) {
                        j++;
                    }
                    key.append(jsonPath.charAt(j++));
                }
                if (j + 1 >= n || jsonPath.charAt(j + 1) != ']') {
                    throw new IllegalArgumentException("unexpected end of JSON path");
                }
                name = key.toString();
                i = j + 2;
            } else {
                int end = i;
                while (end < n && ".[]".indexOf(jsonPath.charAt(end)) < 0) {
                    end++;
                }
                throw new IllegalArgumentException("expected [ or . but got: " + jsonPath.substring(i, Math.max(end, i + 1)));
            }
            if (!schema.properties().isEmpty()) {
                RuleSchema child = schema.properties().get(name);
                if (child == null) {
                    throw new IllegalArgumentException("does not refer to a valid field");
                }
                out.append(out.isEmpty() ? "" : ".").append(name);
                schema = child;
            } else if (schema.additionalProperties() != null) {
                out.append('[').append(name).append(']');
                schema = schema.additionalProperties();
            } else {
                throw new IllegalArgumentException("does not refer to a valid field");
            }
        }
        return out.toString();
    }
}
