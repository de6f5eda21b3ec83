package dev.kapi.apiserver.registry.groups;

import dev.kapi.apiserver.api.FieldError;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Label selectors of the group resources: kube's string form ({@code app=web,tier in (a,b)}), matching a
 * label set, and validation with apimachinery's messages ({@code ValidateLabelSelector}).
 */
public final class LabelSelectors {

    private LabelSelectors() {
    }

    /**
     * The selector as {@code labels.Selector.String()} prints it: requirements sorted by key, values sorted;
     * "" for a null or empty selector.
     */
    public static String toSelectorString(LabelSelector selector) {
        if (selector == null) {
            return "";
        }
        List<String[]> reqs = new ArrayList<>();
        Map<String, String> labels = selector.getMatchLabels();
        if (labels != null) {
            labels.forEach((k, v) -> reqs.add(new String[]{k, k + "=" + v}));
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
                reqs.add(new String[]{r.getKey(), requirementText(r)});
            }
        }
        reqs.sort((a, b) -> a[0].compareTo(b[0]));
        List<String> parts = new ArrayList<>();
        for (String[] r : reqs) {
            parts.add(r[1]);
        }
        return String.join(",", parts);
    }

    /** {@code metav1.FormatLabelSelector}: the string form, or {@code <none>} when it is empty. */
    public static String format(LabelSelector selector) {
        String s = toSelectorString(selector);
        return s.isEmpty() ? "<none>" : s;
    }

    private static String requirementText(LabelSelectorRequirement r) {
        String op = r.getOperator() == null ? "" : r.getOperator();
        String values = String.join(",", new TreeSet<>(r.getValues() == null ? List.of() : r.getValues()));
        return switch (op) {
            case "In" -> r.getKey() + " in (" + values + ")";
            case "NotIn" -> r.getKey() + " notin (" + values + ")";
            case "Exists" -> r.getKey();
            case "DoesNotExist" -> "!" + r.getKey();
            default -> r.getKey() + " " + op + " (" + values + ")";
        };
    }

    /** True when the selector has neither labels nor expressions. */
    public static boolean isEmpty(LabelSelector selector) {
        return (selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
                && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty());
    }

    /** Whether the labels satisfy the selector; a null selector matches nothing, an empty one everything. */
    public static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        Map<String, String> l = labels == null ? Map.of() : labels;
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
                if (!e.getValue().equals(l.get(e.getKey()))) {
                    return false;
                }
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
                List<String> values = r.getValues() == null ? List.of() : r.getValues();
                boolean has = l.containsKey(r.getKey());
                boolean ok = switch (r.getOperator() == null ? "" : r.getOperator()) {
                    case "In" -> has && values.contains(l.get(r.getKey()));
                    case "NotIn" -> !has || !values.contains(l.get(r.getKey()));
                    case "Exists" -> has;
                    case "DoesNotExist" -> !has;
                    default -> false;
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    /** apimachinery's {@code ValidateLabelSelector}: operators, values by operator, key and value syntax. */
    public static List<FieldError> validate(LabelSelector selector, String path) {
        List<FieldError> errs = new ArrayList<>();
        if (selector == null) {
            return errs;
        }
        List<LabelSelectorRequirement> exprs = selector.getMatchExpressions();
        for (int i = 0; exprs != null && i < exprs.size(); i++) {
            LabelSelectorRequirement r = exprs.get(i);
            String p = path + ".matchExpressions[" + i + "]";
            String op = r.getOperator() == null ? "" : r.getOperator();
            boolean hasValues = r.getValues() != null && !r.getValues().isEmpty();
            switch (op) {
                case "In", "NotIn" -> {
                    if (!hasValues) {
                        errs.add(FieldError.required(p + ".values",
                                "must be specified when `operator` is 'In' or 'NotIn'"));
                    }
                }
                case "Exists", "DoesNotExist" -> {
                    if (hasValues) {
                        errs.add(FieldError.forbidden(p + ".values",
                                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                    }
                }
                default -> errs.add(FieldError.invalid(p + ".operator", op, "not a valid selector operator"));
            }
            for (String msg : LabelSyntax.qualifiedName(r.getKey() == null ? "" : r.getKey())) {
                errs.add(FieldError.invalid(p + ".key", r.getKey(), msg));
            }
        }
        Map<String, String> labels = selector.getMatchLabels();
        if (labels != null) {
            errs.addAll(LabelSyntax.validateLabels(labels, path + ".matchLabels"));
        }
        return errs;
    }
}
