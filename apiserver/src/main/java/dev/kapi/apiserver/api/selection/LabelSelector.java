package dev.kapi.apiserver.api.selection;

import dev.kapi.apiserver.api.GoQuote;
import dev.kapi.apiserver.api.selection.LabelRequirement.Operator;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A label selector (apimachinery's {@code labels.Selector}): requirements ANDed together, sorted by key.
 * Parsed from the {@code labelSelector} query parameter's syntax ({@code a=b}, {@code a==b}, {@code a!=b},
 * {@code a in (x,y)}, {@code a notin (x)}, {@code a}, {@code !a}, {@code a>1}, {@code a<1}, comma = AND)
 * or built from a {@code metav1.LabelSelector} object. {@link #toString()} is kube's canonical form, the
 * text of a scale subresource's {@code status.selector}.
 */
public final class LabelSelector {

    private static final LabelSelector EVERYTHING = new LabelSelector(List.of(), false);
    private static final LabelSelector NOTHING = new LabelSelector(List.of(), true);

    private final List<LabelRequirement> requirements;
    private final boolean nothing;

    private LabelSelector(List<LabelRequirement> requirements, boolean nothing) {
        List<LabelRequirement> sorted = new ArrayList<>(requirements);
        sorted.sort(Comparator.comparing(LabelRequirement::key));
        this.requirements = List.copyOf(sorted);
        this.nothing = nothing;
    }

    /** The selector matching every object. */
    public static LabelSelector everything() {
        return EVERYTHING;
    }

    /** The selector matching no object (a null {@code metav1.LabelSelector}). */
    public static LabelSelector nothing() {
        return NOTHING;
    }

    /**
     * Parses kube's selector syntax; {@code null} or blank is {@link #everything()}. Throws
     * {@link SelectorSyntaxException} (400 BadRequest) with apimachinery's message otherwise.
     */
    public static LabelSelector parse(String selector) {
        if (selector == null || selector.isBlank()) {
            return EVERYTHING;
        }
        return new LabelSelector(LabelSelectorParser.parse(selector), false);
    }

    /** The selector matching exactly these labels ({@code labels.SelectorFromValidatedSet}), unvalidated. */
    public static LabelSelector fromMatchLabels(Map<String, String> labels) {
        List<LabelRequirement> reqs = new ArrayList<>();
        new TreeMap<>(labels == null ? Map.<String, String>of() : labels)
                .forEach((k, v) -> reqs.add(new LabelRequirement(k, Operator.EQUALS, List.of(v))));
        return new LabelSelector(reqs, false);
    }

    /**
     * {@code metav1.LabelSelectorAsSelector}: null matches nothing, an empty selector everything;
     * matchLabels become {@code k=v}, matchExpressions In/NotIn/Exists/DoesNotExist. Invalid keys, values
     * or operators throw {@link SelectorSyntaxException} with kube's message.
     */
    public static LabelSelector fromObject(io.fabric8.kubernetes.api.model.LabelSelector selector) {
        if (selector == null) {
            return NOTHING;
        }
        Map<String, String> matchLabels = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
        List<LabelSelectorRequirement> exprs =
                selector.getMatchExpressions() == null ? List.of() : selector.getMatchExpressions();
        if (matchLabels.isEmpty() && exprs.isEmpty()) {
            return EVERYTHING;
        }
        List<LabelRequirement> reqs = new ArrayList<>();
        new TreeMap<>(matchLabels).forEach((k, v) -> reqs.add(LabelRequirement.of(k, Operator.EQUALS, List.of(v))));
        for (LabelSelectorRequirement e : exprs) {
            String operator = e.getOperator() == null ? "" : e.getOperator();
            Operator op = switch (operator) {
                case "In" -> Operator.IN;
                case "NotIn" -> Operator.NOT_IN;
                case "Exists" -> Operator.EXISTS;
                case "DoesNotExist" -> Operator.DOES_NOT_EXIST;
                default -> throw new SelectorSyntaxException(GoQuote.quote(operator)
                        + " is not a valid label selector operator");
            };
            String key = e.getKey() == null ? "" : e.getKey();
            reqs.add(LabelRequirement.of(key, op, e.getValues() == null ? List.of() : e.getValues()));
        }
        return new LabelSelector(reqs, false);
    }

    /**
     * {@code metav1.FormatLabelSelector}, the text of a printed selector column: the canonical form,
     * {@code <none>} when it is empty (or null), {@code <error>} when it is not a valid selector.
     */
    public static String format(io.fabric8.kubernetes.api.model.LabelSelector selector) {
        String s;
        try {
            s = fromObject(selector).toString();
        } catch (SelectorSyntaxException e) {
            return "<error>";
        }
        return s.isEmpty() ? "<none>" : s;
    }

    /** Whether an object with these labels (null = none) is selected. */
    public boolean matches(Map<String, String> labels) {
        if (nothing) {
            return false;
        }
        for (LabelRequirement r : requirements) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /** True for the selector that selects everything (no requirement). */
    public boolean isEmpty() {
        return !nothing && requirements.isEmpty();
    }

    /** The requirements, sorted by key. */
    public List<LabelRequirement> requirements() {
        return requirements;
    }

    /** Kube's canonical form: requirements sorted by key, joined by commas; "" for everything and nothing. */
    @Override
    public String toString() {
        return String.join(",", requirements.stream().map(LabelRequirement::toString).toList());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelSelector s && s.nothing == nothing && s.requirements.equals(requirements);
    }

    @Override
    public int hashCode() {
        return requirements.hashCode() * 31 + (nothing ? 1 : 0);
    }
}
