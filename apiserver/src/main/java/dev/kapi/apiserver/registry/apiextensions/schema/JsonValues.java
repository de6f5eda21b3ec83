package dev.kapi.apiserver.registry.apiextensions.schema;

import tools.jackson.databind.JsonNode;

import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Equality of decoded JSON values as Go's {@code reflect.DeepEqual} sees kube's unstructured values: an
 * integral number (int64) never equals a fractional one (float64), whatever Jackson node class holds it.
 */
final class JsonValues {

    private JsonValues() {
    }

    static boolean equal(JsonNode a, JsonNode b) {
        if (a == null || a.isNull() || a.isMissingNode()) {
            return b == null || b.isNull() || b.isMissingNode();
        }
        if (b == null || b.isNull() || b.isMissingNode()) {
            return false;
        }
        if (a.isNumber() && b.isNumber()) {
            boolean ai = GoText.isInteger(a);
            if (ai != GoText.isInteger(b)) {
                return false;
            }
            return ai ? a.longValue() == b.longValue() : a.doubleValue() == b.doubleValue();
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (Map.Entry<String, JsonNode> e : a.properties()) {
                JsonNode o = b.get(e.getKey());
                if (o == null || !equal(e.getValue(), o)) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            Iterator<JsonNode> ia = a.iterator();
            Iterator<JsonNode> ib = b.iterator();
            while (ia.hasNext()) {
                if (!equal(ia.next(), ib.next())) {
                    return false;
                }
            }
            return true;
        }
        if (a.isString() && b.isString()) {
            return a.stringValue().equals(b.stringValue());
        }
        if (a.isBoolean() && b.isBoolean()) {
            return a.booleanValue() == b.booleanValue();
        }
        return false;
    }

    /** A hash consistent with {@link #equal}. */
    static int hash(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return 0;
        }
        if (v.isNumber()) {
            return GoText.isInteger(v) ? Long.hashCode(v.longValue()) : Double.hashCode(v.doubleValue()) * 31;
        }
        if (v.isObject()) {
            int h = 7;
            for (Map.Entry<String, JsonNode> e : v.properties()) {
                h += e.getKey().hashCode() ^ hash(e.getValue());
            }
            return h;
        }
        if (v.isArray()) {
            int h = 11;
            for (JsonNode e : v) {
                h = h * 31 + hash(e);
            }
            return h;
        }
        if (v.isString()) {
            return v.stringValue().hashCode();
        }
        return v.isBoolean() ? Boolean.hashCode(v.booleanValue()) : 1;
    }

    /** A JsonNode wrapper whose equals is {@link #equal}, for hash sets. */
    record Key(JsonNode node) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && equal(node, k.node);
        }

        @Override
        public int hashCode() {
            return hash(node);
        }
    }

    static boolean hasDuplicates(JsonNode array) {
        Set<Key> seen = new HashSet<>();
        for (JsonNode e : array) {
            if (!seen.add(new Key(e))) {
                return true;
            }
        }
        return false;
    }
}
