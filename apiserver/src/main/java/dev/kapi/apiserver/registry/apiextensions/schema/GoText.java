package dev.kapi.apiserver.registry.apiextensions.schema;

import dev.kapi.apiserver.api.GoQuote;
import tools.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders JSON values the way kube-apiserver's Go code prints them in messages: numbers as {@code %v}
 * ({@code 1e+06}), composite values as {@code %#v} ({@code map[string]interface {}{"name":"a"}}), and the
 * bad value of a {@code FieldError} as the Go type kube would hold (string, int64, float64, bool, map).
 */
final class GoText {

    private GoText() {
    }

    /** A value that prints as Go text in a FieldError message. */
    record Rendered(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    /** The FieldError bad value for a decoded JSON value: String, Long, Boolean, null or Go-rendered. */
    static Object badValue(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return null;
        }
        if (v.isString()) {
            return v.stringValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (isInteger(v)) {
            return v.longValue();
        }
        return new Rendered(sharpV(v));
    }

    /** Whether a JSON number decodes to Go's int64 (kube's JSON decoding keeps integral numbers as int64). */
    static boolean isInteger(JsonNode v) {
        return v.isIntegralNumber() && v.canConvertToLong();
    }

    /** Go's {@code %v} of a float64. */
    static String goFloat(double f) {
        if (Double.isNaN(f)) {
            return "NaN";
        }
        if (Double.isInfinite(f)) {
            return f > 0 ? "+Inf" : "-Inf";
        }
        if (f == 0) {
            return (1 / f < 0) ? "-0" : "0";
        }
        BigDecimal d = new BigDecimal(Double.toString(f)).stripTrailingZeros();
        String digits = d.unscaledValue().abs().toString();
        int exp = digits.length() - 1 - d.scale();
        String sign = f < 0 ? "-" : "";
        if (exp < -4 || exp >= 6) {
            String mant = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            String e = String.valueOf(Math.abs(exp));
            return sign + mant + "e" + (exp < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
        }
        return sign + d.abs().toPlainString();
    }

    /** Go's {@code %v} of a decoded JSON number (int64 or float64). */
    static String number(JsonNode v) {
        return isInteger(v) ? String.valueOf(v.longValue()) : goFloat(v.doubleValue());
    }

    /** Go's {@code %#v} of a decoded JSON value. */
    static String sharpV(JsonNode v) {
        StringBuilder b = new StringBuilder();
        sharpV(v, b);
        return b.toString();
    }

    private static void sharpV(JsonNode v, StringBuilder b) {
        if (v == null || v.isNull()) {
            b.append("interface {}(nil)");
        } else if (v.isString()) {
            b.append(GoQuote.quote(v.stringValue()));
        } else if (v.isBoolean()) {
            b.append(v.booleanValue());
        } else if (v.isNumber()) {
            b.append(number(v));
        } else if (v.isArray()) {
            b.append("[]interface {}{");
            int i = 0;
            for (JsonNode e : v) {
                b.append(i++ == 0 ? "" : ", ");
                sharpV(e, b);
            }
            b.append('}');
        } else if (v.isObject()) {
            b.append("map[string]interface {}{");
            List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(v.properties());
            entries.sort(Map.Entry.comparingByKey());
            int i = 0;
            for (Map.Entry<String, JsonNode> e : entries) {
                b.append(i++ == 0 ? "" : ", ").append(GoQuote.quote(e.getKey())).append(':');
                sharpV(e.getValue(), b);
            }
            b.append('}');
        } else {
            b.append(v);
        }
    }

}
