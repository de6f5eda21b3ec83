package dev.kapi.apiserver.registry.apiextensions.schema;

import com.google.re2j.Pattern;
import dev.kapi.apiserver.api.GoQuote;
import dev.kapi.apiserver.registry.apiextensions.schema.Issue.Code;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** kube-openapi's string, format, number and enum validators, with their messages. */
final class Scalars {

    private Scalars() {
    }

    static void string(Node s, String data, String name, List<Issue> out) {
        long runes = data.codePointCount(0, data.length());
        if (s.maxLength != null && runes > s.maxLength) {
            out.add(new Issue(Code.TOO_LONG, name, data,
                    name + " in body should be at most " + s.maxLength + " chars long", List.of(), s.maxLength));
            return;
        }
        if (s.minLength != null && runes < s.minLength) {
            out.add(Issue.of(Code.OTHER, name, data, name + " in body should be at least " + s.minLength + " chars long"));
            return;
        }
        if (!s.pattern.isEmpty()) {
            Object p = s.compiledPattern();
            if (p instanceof Pattern re) {
                if (!matches(re, data)) {
                    out.add(Issue.of(Code.OTHER, name, data, name + " in body should match '" + s.pattern + "'"));
                }
            } else {
                out.add(Issue.of(Code.OTHER, name, data, name + " in body should match '" + s.pattern
                        + ", but pattern is invalid: " + ((Exception) p).getMessage().replace('\n', ' ') + "'"));
            }
        }
    }

    /**
     * Go's {@code regexp.MatchString}: a match anywhere in the value, in time linear in its length (RE2's engine, as
     * Go's: a backtracking engine let one pattern such as {@code (.*a){12}$} cost minutes per object).
     */
    static boolean matches(Pattern re, String data) {
        return re.matcher(data).find();
    }

    static void format(Node s, String data, String name, List<Issue> out) {
        String format = Formats.effective(s.format);
        if (!format.isEmpty() && !Formats.valid(format, data)) {
            out.add(Issue.of(Code.INVALID_TYPE, name, data,
                    name + " in body must be of type " + s.format + ": " + GoQuote.quote(data)));
        }
    }

    static void number(Node s, JsonNode v, String name, List<Issue> out) {
        boolean integer = GoText.isInteger(v);
        Object bad = GoText.badValue(v);
        if (s.multipleOf != null) {
            double f = s.multipleOf;
            long fi = (long) f;
            if (integer && fi != 0) {
                if (fi < 0) {
                    out.add(mustBePositive(name, fi));
                } else if (v.longValue() % fi != 0) {
                    out.add(Issue.of(Code.OTHER, name, bad, name + " in body should be a multiple of " + fi));
                }
            } else if (f < 0) {
                out.add(mustBePositive(name, new GoText.Rendered(GoText.goFloat(f))));
            } else {
                double d = v.doubleValue();
                double mult = f < 1 ? 1 / f * d : d / f;
                if (!isJsonInteger(mult)) {
                    out.add(Issue.of(Code.OTHER, name, bad, name + " in body should be a multiple of " + GoText.goFloat(f)));
                }
            }
        }
        if (s.minimum != null) {
            boolean fail = integer ? beyond((long) s.minimum.doubleValue(), v.longValue(), s.exclusiveMinimum)
                    : beyond(s.minimum, v.doubleValue(), s.exclusiveMinimum);
            if (fail) {
                out.add(Issue.of(Code.OTHER, name, bad, name + " in body should be greater than "
                        + (s.exclusiveMinimum ? "" : "or equal to ") + bound(s.minimum, integer)));
            }
        }
        if (s.maximum != null) {
            boolean fail = integer ? beyond(v.longValue(), (long) s.maximum.doubleValue(), s.exclusiveMaximum)
                    : beyond(v.doubleValue(), s.maximum, s.exclusiveMaximum);
            if (fail) {
                out.add(Issue.of(Code.OTHER, name, bad, name + " in body should be less than "
                        + (s.exclusiveMaximum ? "" : "or equal to ") + bound(s.maximum, integer)));
            }
        }
    }

    /** Whether {@code high} is above {@code low} (or equal, when exclusive). */
    private static boolean beyond(double high, double low, boolean exclusive) {
        return exclusive ? high >= low : high > low;
    }

    private static String bound(double b, boolean integer) {
        return integer ? String.valueOf((long) b) : GoText.goFloat(b);
    }

    private static Issue mustBePositive(String name, Object factor) {
        return Issue.of(Code.OTHER, name, factor, "factor MultipleOf declared for " + name + " must be positive: " + factor);
    }

    /** go-openapi's swag.IsFloat64AJSONInteger. */
    static boolean isJsonInteger(double f) {
        double max = 9007199254740991d;
        if (Double.isNaN(f) || Double.isInfinite(f) || f < -max || f > max) {
            return false;
        }
        double g = Math.rint(f);
        if (f == g) {
            return true;
        }
        double diff = Math.abs(f - g);
        return diff / Math.min(Math.abs(f) + Math.abs(g), Double.MAX_VALUE) < 1e-9;
    }

    static void enumCheck(Node s, JsonNode v, String name, List<Issue> out) {
        if (s.enumValues.isEmpty()) {
            return;
        }
        if (v != null) {
            for (JsonNode e : s.enumValues) {
                if (enumEquals(v, e)) {
                    return;
                }
            }
        }
        List<String> values = new ArrayList<>();
        for (JsonNode e : s.enumValues) {
            values.add(e.isString() ? e.stringValue() : e.isNumber() ? GoText.number(e) : e.toString());
        }
        out.add(new Issue(Code.ENUM, name, v == null ? null : GoText.badValue(v),
                name + " in body should be one of " + values, values, 0));
    }

    /** Go's enum match: deep equality, or equality after converting the value to the enum value's Go type. */
    private static boolean enumEquals(JsonNode v, JsonNode e) {
        if (e == null || e.isNull()) {
            return false;
        }
        if (v.isNumber() && e.isNumber()) {
            if (GoText.isInteger(e)) {
                return (GoText.isInteger(v) ? v.longValue() : (long) v.doubleValue()) == e.longValue();
            }
            return v.doubleValue() == e.doubleValue();
        }
        return JsonValues.equal(v, e);
    }
}
