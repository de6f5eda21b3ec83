package dev.kapi.apiserver.api.selection;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One term of a label selector (apimachinery's {@code labels.Requirement}): a key, an operator and its
 * values (one for the equality and Gt/Lt operators, a set for in/notin, none for exists/!).
 */
public record LabelRequirement(String key, Operator operator, List<String> values) {

    /** The operators of kube's {@code selection} package with their selector syntax. */
    public enum Operator {
        EQUALS("="), DOUBLE_EQUALS("=="), NOT_EQUALS("!="), IN(" in "), NOT_IN(" notin "), EXISTS(""),
        DOES_NOT_EXIST(""), GREATER_THAN(">"), LESS_THAN("<");

        private final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }
    }

    public LabelRequirement {
        values = List.copyOf(values);
    }

    /**
     * A validated requirement, as {@code labels.NewRequirement}: 400 BadRequest with kube's field error
     * text when the key, the values or their number is wrong for the operator.
     */
    public static LabelRequirement of(String key, Operator op, List<String> values) {
        List<String> errs = new ArrayList<>();
        List<String> keyErrs = LabelValidation.qualifiedName(key);
        if (!keyErrs.isEmpty()) {
            errs.add(LabelValidation.invalid("key", key, String.join("; ", keyErrs)));
        }
        switch (op) {
            case IN, NOT_IN -> {
                if (values.isEmpty()) {
                    errs.add(LabelValidation.invalid("values", values,
                            "for 'in', 'notin' operators, values set can't be empty"));
                }
            }
            case EQUALS, DOUBLE_EQUALS, NOT_EQUALS -> {
                if (values.size() != 1) {
                    errs.add(LabelValidation.invalid("values", values,
                            "exact-match compatibility requires one single value"));
                }
            }
            case EXISTS, DOES_NOT_EXIST -> {
                if (!values.isEmpty()) {
                    errs.add(LabelValidation.invalid("values", values,
                            "values set must be empty for exists and does not exist"));
                }
            }
            case GREATER_THAN, LESS_THAN -> {
                if (values.size() != 1) {
                    errs.add(LabelValidation.invalid("values", values,
                            "for 'Gt', 'Lt' operators, exactly one value is required"));
                }
                for (int i = 0; i < values.size(); i++) {
                    if (parseLong(values.get(i)) == null) {
                        errs.add(LabelValidation.invalid("values[" + i + "]", values.get(i),
                                "for 'Gt', 'Lt' operators, the value must be an integer"));
                    }
                }
            }
        }
        for (int i = 0; i < values.size(); i++) {
            List<String> valueErrs = LabelValidation.labelValue(values.get(i));
            if (!valueErrs.isEmpty()) {
                errs.add(LabelValidation.invalid("values[" + i + "][" + key + "]", values.get(i),
                        String.join("; ", valueErrs)));
            }
        }
        if (!errs.isEmpty()) {
            throw new SelectorSyntaxException(errs.size() == 1 ? errs.get(0) : "[" + String.join(", ", errs) + "]");
        }
        return new LabelRequirement(key, op, values);
    }

    /** Whether a set of labels satisfies this requirement. */
    public boolean matches(Map<String, String> labels) {
        String v = labels == null ? null : labels.get(key);
        return switch (operator) {
            case EQUALS, DOUBLE_EQUALS, IN -> v != null && values.contains(v);
            case NOT_EQUALS, NOT_IN -> v == null || !values.contains(v);
            case EXISTS -> v != null;
            case DOES_NOT_EXIST -> v == null;
            case GREATER_THAN, LESS_THAN -> {
                Long have = v == null ? null : parseLong(v);
                Long want = values.size() == 1 ? parseLong(values.get(0)) : null;
                yield have != null && want != null
                        && (operator == Operator.GREATER_THAN ? have > want : have < want);
            }
        };
    }

    /** Kube's canonical text of the requirement ({@code a in (x,y)}, {@code !a}, {@code a!=b}). */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (operator == Operator.DOES_NOT_EXIST) {
            sb.append('!');
        }
        sb.append(key);
        if (operator == Operator.EXISTS || operator == Operator.DOES_NOT_EXIST) {
            return sb.toString();
        }
        boolean set = operator == Operator.IN || operator == Operator.NOT_IN;
        sb.append(operator.symbol).append(set ? "(" : "");
        sb.append(String.join(",", values.stream().sorted().toList()));
        return sb.append(set ? ")" : "").toString();
    }

    private static Long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
