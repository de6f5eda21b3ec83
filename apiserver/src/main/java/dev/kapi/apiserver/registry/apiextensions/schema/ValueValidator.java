package dev.kapi.apiserver.registry.apiextensions.schema;

import dev.kapi.apiserver.api.GoQuote;
import dev.kapi.apiserver.registry.apiextensions.schema.Issue.Code;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * kube-openapi's schema validator over a decoded JSON value, in its order per node: type, allOf/anyOf/oneOf/not,
 * string, format, number, array, enum, object. Names are dotted as kube-openapi builds them
 * ({@code spec.items[0].name}); {@link Issue} turns them into field paths.
 */
final class ValueValidator {

    private ValueValidator() {
    }

    static List<Issue> validate(Node s, JsonNode v, String name) {
        List<Issue> out = new ArrayList<>();
        validate(s, v, name, out);
        return out;
    }

    static void validate(Node s, JsonNode v, String name, List<Issue> out) {
        if (s == null) {
            return;
        }
        if (v == null || v.isNull() || v.isMissingNode()) {
            typeCheck(s, null, name, out);
            Scalars.enumCheck(s, null, name, out);
            return;
        }
        typeCheck(s, v, name, out);
        junctors(s, v, name, out);
        if (v.isString()) {
            Scalars.string(s, v.stringValue(), name, out);
            Scalars.format(s, v.stringValue(), name, out);
        } else if (v.isNumber()) {
            Scalars.number(s, v, name, out);
        } else if (v.isArray()) {
            array(s, v, name, out);
        }
        Scalars.enumCheck(s, v, name, out);
        if (v.isObject()) {
            object(s, v, name, out);
        }
    }

    /** kube-openapi's JSON type of a decoded value. */
    static String jsonType(JsonNode v) {
        if (v.isString()) {
            return "string";
        }
        if (v.isBoolean()) {
            return "boolean";
        }
        if (v.isNumber()) {
            return GoText.isInteger(v) ? "integer" : "number";
        }
        if (v.isArray()) {
            return "array";
        }
        return "object";
    }

    private static void typeCheck(Node s, JsonNode v, String name, List<Issue> out) {
        List<String> types = s.types();
        String format = Formats.effective(s.format);
        if (types.isEmpty() && format.isEmpty()) {
            return;
        }
        String joined = String.join(",", types);
        if (v == null) {
            if (!types.isEmpty() && !s.nullable) {
                out.add(typeFail(name, joined, "null"));
            }
            return;
        }
        String schType = jsonType(v);
        boolean isFloatInt = schType.equals("number") && isIntegral(v.doubleValue()) && types.contains("integer");
        boolean isIntFloat = schType.equals("integer") && types.contains("number");
        boolean ok = types.contains(schType) || isFloatInt || isIntFloat;
        boolean stringOrArray = v.isString() || v.isArray();
        if (!stringOrArray && !format.isEmpty() && !ok) {
            String dataFormat = schType.equals("integer") ? "int64" : schType.equals("number") ? "float64" : "";
            out.add(typeFail(name, format, dataFormat));
            return;
        }
        if (!(types.contains("number") || types.contains("integer")) && !format.isEmpty() && stringOrArray) {
            return;
        }
        if (!ok) {
            out.add(typeFail(name, joined, schType));
        }
    }

    static Issue typeFail(String name, String type, String value) {
        return Issue.of(Code.INVALID_TYPE, name, value,
                name + " in body must be of type " + type + ": " + GoQuote.quote(value));
    }

    static boolean isIntegral(double f) {
        return !Double.isNaN(f) && !Double.isInfinite(f) && f == Math.rint(f);
    }

    private static void junctors(Node s, JsonNode v, String name, List<Issue> out) {
        if (!s.anyOf.isEmpty()) {
            List<Issue> best = null;
            boolean succeeded = false;
            for (Node alt : s.anyOf) {
                List<Issue> r = validate(alt, v, name);
                if (r.isEmpty()) {
                    succeeded = true;
                    best = null;
                    break;
                }
                if (best == null || r.size() < best.size()) {
                    best = r;
                }
            }
            if (!succeeded) {
                out.add(composite("\"" + name + "\" must validate at least one schema (anyOf)"));
            }
            if (best != null) {
                out.addAll(best);
            }
        }
        if (!s.oneOf.isEmpty()) {
            List<Issue> best = null;
            int validated = 0;
            for (Node alt : s.oneOf) {
                List<Issue> r = validate(alt, v, name);
                if (r.isEmpty()) {
                    validated++;
                    best = null;
                } else if (validated == 0 && (best == null || r.size() < best.size())) {
                    best = r;
                }
            }
            if (validated != 1) {
                String more = validated == 0 ? "Found none valid" : "Found " + validated + " valid alternatives";
                out.add(composite("\"" + name + "\" must validate one and only one schema (oneOf). " + more));
                if (best != null) {
                    out.addAll(best);
                }
            }
        }
        if (!s.allOf.isEmpty()) {
            int validated = 0;
            for (Node alt : s.allOf) {
                List<Issue> r = validate(alt, v, name);
                if (r.isEmpty()) {
                    validated++;
                }
                out.addAll(r);
            }
            if (validated != s.allOf.size()) {
                out.add(composite("\"" + name + "\" must validate all the schemas (allOf)"
                        + (validated == 0 ? ". None validated" : "")));
            }
        }
        if (s.not != null && validate(s.not, v, name).isEmpty()) {
            out.add(composite("\"" + name + "\" must not validate the schema (not)"));
        }
    }

    private static Issue composite(String message) {
        return Issue.of(Code.COMPOSITE, "", null, message);
    }

    private static void array(Node s, JsonNode v, String name, List<Issue> out) {
        int size = v.size();
        if (s.items != null) {
            for (int i = 0; i < size; i++) {
                validate(s.items, v.get(i), name + "[" + i + "]", out);
            }
        }
        if (s.minItems != null && size < s.minItems) {
            out.add(Issue.of(Code.OTHER, name, (long) size,
                    name + " in body should have at least " + s.minItems + " items"));
        }
        if (s.maxItems != null && size > s.maxItems) {
            out.add(new Issue(Code.MAX_ITEMS, name, (long) size,
                    name + " in body should have at most " + s.maxItems + " items", List.of(), s.maxItems));
        }
        if (s.uniqueItems && JsonValues.hasDuplicates(v)) {
            out.add(Issue.of(Code.OTHER, name, null, name + " in body shouldn't contain duplicates"));
        }
    }

    private static void object(Node s, JsonNode v, String name, List<Issue> out) {
        long keys = v.size();
        if (s.minProperties != null && keys < s.minProperties) {
            out.add(Issue.of(Code.OTHER, name, keys,
                    name + " in body should have at least " + s.minProperties + " properties"));
            return;
        }
        if (s.maxProperties != null && keys > s.maxProperties) {
            out.add(new Issue(Code.TOO_MANY_PROPERTIES, name, keys,
                    name + " in body should have at most " + s.maxProperties + " properties", List.of(),
                    s.maxProperties));
            return;
        }
        boolean closed = Boolean.FALSE.equals(s.additionalPropertiesAllowed);
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            String key = e.getKey();
            Node prop = s.properties.get(key);
            if (prop != null) {
                validate(prop, e.getValue(), name.isEmpty() ? key : name + "." + key, out);
            } else if (closed) {
                out.add(Issue.of(Code.OTHER, name, key, name + "." + key + " in body is a forbidden property"));
            } else if (s.additionalProperties != null) {
                validate(s.additionalProperties, e.getValue(), name + "." + key, out);
            }
        }
        for (String r : s.required) {
            if (!v.has(r)) {
                out.add(Issue.of(Code.REQUIRED, name + "." + r, null, name + "." + r + " in body is required"));
            }
        }
    }
}
