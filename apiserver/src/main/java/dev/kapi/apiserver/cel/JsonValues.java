package dev.kapi.apiserver.cel;

import dev.cel.common.values.NullValue;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * kube's unstructured-to-CEL conversion of a JSON value whose type no schema gives: null (or missing) is CEL's
 * null, integral numbers within 64 bits are {@code int}, other numbers {@code double} (as Go's JSON decoding into
 * unstructured reads them), then bool, string, list and map (key
 * order kept).
 */
public final class JsonValues {

    private JsonValues() {
    }

    public static Object dyn(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return NullValue.NULL_VALUE;
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isString()) {
            return v.asString();
        }
        if (v.isArray()) {
            List<Object> out = new ArrayList<>(v.size());
            v.values().forEach(e -> out.add(dyn(e)));
            return out;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        v.properties().forEach(e -> out.put(e.getKey(), dyn(e.getValue())));
        return out;
    }
}
