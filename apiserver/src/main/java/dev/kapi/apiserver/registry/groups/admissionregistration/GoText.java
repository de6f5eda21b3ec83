package dev.kapi.apiserver.registry.groups.admissionregistration;

import dev.kapi.apiserver.api.GoQuote;
import dev.kapi.apiserver.registry.validation.GoValues.Printed;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.AuditAnnotation;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Bad values of this group's field errors printed as kube-apiserver prints its internal Go values with
 * {@code %#v}: {@code []string{"*", "apps"}}, {@code []admissionregistration.OperationType{"*", "CREATE"}}.
 */
final class GoText {

    static final String PKG = "admissionregistration.";

    private GoText() {
    }

    /** {@code []string{"a", "b"}}. */
    static Printed strings(List<String> values) {
        return slice("string", values, GoQuote::quote);
    }

    /** {@code []admissionregistration.<type>{"a", "b"}} for a slice of a string type of the group. */
    static Printed named(String type, List<String> values) {
        return slice(PKG + type, values, GoQuote::quote);
    }

    static Printed auditAnnotations(List<AuditAnnotation> values) {
        return slice(PKG + "AuditAnnotation", values, a -> PKG + "AuditAnnotation{Key:" + quote(a.getKey())
                + ", ValueExpression:" + quote(a.getValueExpression()) + "}");
    }

    /** A label selector as its gogo-protobuf {@code String()} prints it (kube's binding ParamRef column). */
    static String selector(LabelSelector s) {
        StringBuilder b = new StringBuilder("&LabelSelector{MatchLabels:map[string]string{");
        new TreeMap<>(s.getMatchLabels() == null ? Map.<String, String>of() : s.getMatchLabels())
                .forEach((k, v) -> b.append(k).append(": ").append(v).append(','));
        b.append("},MatchExpressions:[]LabelSelectorRequirement{");
        for (LabelSelectorRequirement r : s.getMatchExpressions() == null ? List.<LabelSelectorRequirement>of()
                : s.getMatchExpressions()) {
            b.append("LabelSelectorRequirement{Key:").append(Objects.toString(r.getKey(), "")).append(",Operator:")
                    .append(Objects.toString(r.getOperator(), "")).append(",Values:[")
                    .append(String.join(" ", r.getValues() == null ? List.of() : r.getValues())).append("],},");
        }
        return b.append("},}").toString();
    }

    private static String quote(String s) {
        return GoQuote.quote(s == null ? "" : s);
    }

    private static <T> Printed slice(String type, List<T> values, Function<T, String> item) {
        if (values == null || values.isEmpty()) {
            return new Printed("[]" + type + "(nil)");
        }
        StringBuilder b = new StringBuilder("[]").append(type).append('{');
        for (int i = 0; i < values.size(); i++) {
            T v = values.get(i);
            b.append(i == 0 ? "" : ", ").append(v == null ? "\"\"" : item.apply(v));
        }
        return new Printed(b.append('}').toString());
    }
}
