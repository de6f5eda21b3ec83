package dev.kapi.apiserver.api.fieldpath;

import dev.kapi.apiserver.api.GoQuote;
import tools.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Order, equality and printing of JSON values as structured-merge-diff's {@code value} package has them:
 * numbers (compared by value, so {@code 1} equals {@code 1.0}) before strings, booleans, lists, maps and null.
 * Jackson's own {@code equals} tells an int node from a long node of the same value; these do not.
 */
public final class JsonValues {

    private JsonValues() {
    }

    /** Deep equality by value; null (missing) equals only null. */
    public static boolean equal(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        return compare(a, b) == 0;
    }

    /**
     * A hash consistent with {@link #equal}: values equal by value hash alike ({@code 1} and {@code 1.0} too), so
     * that sets and maps keyed by JSON values find items by hash, not by comparing every item.
     */
    public static int hash(JsonNode n) {
        if (n == null) {
            return 0;
        }
        if (n.isNumber()) {
            if (n.isIntegralNumber() && n.canConvertToLong()) {
                return Long.hashCode(n.longValue());
            }
            if (!n.isIntegralNumber() && !Double.isFinite(n.doubleValue())) {
                return Double.hashCode(n.doubleValue()); // 1e400 reads as infinity; no BigDecimal has it
            }
            BigDecimal d = decimal(n).stripTrailingZeros();
            if (d.scale() <= 0 && d.precision() - d.scale() <= 19) {
                try {
                    return Long.hashCode(d.longValueExact()); // as the long it equals
                } catch (ArithmeticException beyondLong) {
                    // a whole number beyond a long: hashed as the BigDecimal it is, below
                }
            }
            return d.hashCode();
        }
        if (n.isString()) {
            return n.stringValue().hashCode();
        }
        if (n.isBoolean()) {
            return Boolean.hashCode(n.booleanValue());
        }
        int h = n.isArray() ? 1 : 0;
        if (n.isArray()) {
            for (JsonNode item : n) {
                h = 31 * h + hash(item);
            }
        } else if (n.isObject()) {
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                h += e.getKey().hashCode() ^ hash(e.getValue()); // order-free, as map equality is
            }
        }
        return h;
    }

    /** smd's {@code value.Compare}: a total order over JSON values. */
    public static int compare(JsonNode a, JsonNode b) {
        int ra = rank(a);
        int rb = rank(b);
        if (ra != rb) {
            return Integer.compare(ra, rb);
        }
        switch (ra) {
            case 0:
                if (a.isIntegralNumber() && b.isIntegralNumber() && a.canConvertToLong() && b.canConvertToLong()) {
                    return Long.compare(a.longValue(), b.longValue());
                }
                return decimal(a).compareTo(decimal(b));
            case 1:
                return a.stringValue().compareTo(b.stringValue());
            case 2:
                return Boolean.compare(a.booleanValue(), b.booleanValue());
            case 3:
                for (int i = 0; ; i++) {
                    if (i >= a.size() || i >= b.size()) {
                        return Integer.compare(a.size(), b.size());
                    }
                    int c = compare(a.get(i), b.get(i));
                    if (c != 0) {
                        return c;
                    }
                }
            case 4:
                return compareMaps(a, b);
            default:
                return 0;
        }
    }

    private static BigDecimal decimal(JsonNode n) {
        return n.isIntegralNumber() ? new BigDecimal(n.bigIntegerValue()) : BigDecimal.valueOf(n.doubleValue());
    }

    /** Maps compare by their sorted keys, then by the values under equal keys. */
    private static int compareMaps(JsonNode a, JsonNode b) {
        Iterator<Map.Entry<String, JsonNode>> ia = sorted(a).entrySet().iterator();
        Iterator<Map.Entry<String, JsonNode>> ib = sorted(b).entrySet().iterator();
        while (ia.hasNext() && ib.hasNext()) {
            Map.Entry<String, JsonNode> ea = ia.next();
            Map.Entry<String, JsonNode> eb = ib.next();
            int c = ea.getKey().compareTo(eb.getKey());
            if (c != 0) {
                return c;
            }
            c = compare(ea.getValue(), eb.getValue());
            if (c != 0) {
                return c;
            }
        }
        return Boolean.compare(ia.hasNext(), ib.hasNext());
    }

    private static TreeMap<String, JsonNode> sorted(JsonNode object) {
        TreeMap<String, JsonNode> m = new TreeMap<>();
        object.properties().forEach(e -> m.put(e.getKey(), e.getValue()));
        return m;
    }

    private static int rank(JsonNode n) {
        if (n.isNumber()) {
            return 0;
        }
        if (n.isString()) {
            return 1;
        }
        if (n.isBoolean()) {
            return 2;
        }
        if (n.isArray()) {
            return 3;
        }
        if (n.isObject()) {
            return 4;
        }
        return 5;
    }

    /** smd's {@code value.ToString}: strings quoted, numbers and booleans bare, null as {@code null}. */
    public static String toString(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return "null";
        }
        if (n.isString()) {
            return GoQuote.quote(n.stringValue());
        }
        if (n.isArray()) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < n.size(); i++) {
                b.append(i > 0 ? "," : "").append(toString(n.get(i)));
            }
            return b.append(']').toString();
        }
        if (n.isObject()) {
            StringBuilder b = new StringBuilder();
            n.properties().forEach(e -> b.append(e.getKey()).append('=').append(toString(e.getValue())));
            return b.toString();
        }
        return n.asString();
    }

}
