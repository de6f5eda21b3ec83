package dev.kapi.apiserver.registry.validation;

import dev.kapi.apiserver.api.GoQuote;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders bad values of field errors the way kube-apiserver prints Go values with {@code %#v}, e.g.
 * {@code map[string]string{"app":"web"}}, so that messages read like the real ones. The returned object's
 * {@code toString()} is the text (a {@link dev.kapi.apiserver.api.FieldError} prints non-strings that way).
 */
public final class GoValues {

    private GoValues() {
    }

    /** A value that prints as the given Go text, unquoted. */
    public record Printed(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    /** {@code map[string]string{"a":"1", "b":"2"}}, {@code map[string]string(nil)} when empty. */
    public static Printed stringMap(Map<String, String> map) {
        return new Printed(mapText(map));
    }

    /** {@code v1.LabelSelector{MatchLabels:..., MatchExpressions:...}} as in "field is immutable" messages. */
    public static Printed labelSelector(LabelSelector selector) {
        if (selector == null) {
            return new Printed("null");
        }
        return new Printed("v1.LabelSelector{MatchLabels:" + mapText(selector.getMatchLabels())
                + ", MatchExpressions:" + requirementsText(selector.getMatchExpressions()) + "}");
    }

    /**
     * {@code []string{"a", "b"}}; {@code []string(nil)} when null or empty (the fabric8 model makes an absent
     * list empty, where Go decodes it as nil).
     */
    public static Printed strings(List<String> values) {
        return new Printed(stringSlice(values));
    }

    private static String mapText(Map<String, String> map) {
        if (map == null || map.isEmpty()) {
            return "map[string]string(nil)";
        }
        StringBuilder b = new StringBuilder("map[string]string{");
        int i = 0;
        for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
            b.append(i++ == 0 ? "" : ", ").append(GoQuote.quote(e.getKey())).append(':').append(GoQuote.quote(e.getValue()));
        }
        return b.append('}').toString();
    }

    private static String requirementsText(List<LabelSelectorRequirement> reqs) {
        if (reqs == null || reqs.isEmpty()) {
            return "[]v1.LabelSelectorRequirement(nil)";
        }
        StringBuilder b = new StringBuilder("[]v1.LabelSelectorRequirement{");
        for (int i = 0; i < reqs.size(); i++) {
            LabelSelectorRequirement r = reqs.get(i);
            b.append(i == 0 ? "" : ", ").append("v1.LabelSelectorRequirement{Key:").append(GoQuote.quote(r.getKey()))
                    .append(", Operator:").append(GoQuote.quote(r.getOperator())).append(", Values:")
                    .append(stringSlice(r.getValues())).append('}');
        }
        return b.append('}').toString();
    }

    /** Go's {@code %#v} of a {@code []string}: {@code []string{"a", "b"}}, {@code []string(nil)} when empty. */
    public static String stringSlice(List<String> values) {
        if (values == null || values.isEmpty()) {
            return "[]string(nil)";
        }
        StringBuilder b = new StringBuilder("[]string{");
        for (int i = 0; i < values.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(GoQuote.quote(values.get(i)));
        }
        return b.append('}').toString();
    }

}
