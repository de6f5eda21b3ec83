package dev.kapi.apiserver.endpoints.reviews;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.selection.LabelRequirement;
import dev.kapi.apiserver.api.selection.LabelValidation;
import dev.kapi.apiserver.authz.AuthorizationSelectors;
import dev.kapi.apiserver.authz.AuthorizationSelectors.Parsed;
import dev.kapi.apiserver.authz.AuthorizationSelectors.Requirement;
import io.fabric8.kubernetes.api.model.FieldSelectorRequirement;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.authorization.v1.FieldSelectorAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.LabelSelectorAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The field and label selectors an access review asks about ({@code spec.resourceAttributes.fieldSelector} and
 * {@code labelSelector}, kube 1.32's AuthorizeWithSelectors): validated as kube validates them (unknown operators
 * allowed, so that newer clients can still ask), then read into the authorizer's requirements. What cannot be read
 * is left out (a selector only narrows: the question becomes broader, never narrower) and said in the status's
 * {@code evaluationError}.
 */
final class ReviewSelectors {

    private static final String FIELDS = "spec.resourceAttributes.fieldSelector";
    private static final String LABELS = "spec.resourceAttributes.labelSelector";
    private static final String IN_VALUES = "must be specified when `operator` is 'In' or 'NotIn'";
    private static final String EXISTS_VALUES = "may not be specified when `operator` is 'Exists' or 'DoesNotExist'";

    /** The selectors as read, and the notes kube adds to {@code evaluationError} for what it could not read. */
    record Read(AuthorizationSelectors selectors, List<String> notes) {
    }

    private ReviewSelectors() {
    }

    /** kube's {@code validateResourceAttributes}. */
    static void check(ResourceAttributes resource, List<FieldError> errs) {
        if (resource == null) {
            return;
        }
        FieldSelectorAttributes fields = resource.getFieldSelector();
        if (fields != null) {
            List<FieldSelectorRequirement> requirements = orEmpty(fields.getRequirements());
            checkRawOrRequirements(FIELDS, fields.getRawSelector(), requirements.isEmpty(), errs);
            for (int i = 0; i < requirements.size(); i++) {
                FieldSelectorRequirement r = requirements.get(i);
                String at = FIELDS + ".requirements[" + i + "]";
                if (r.getKey() == null || r.getKey().isEmpty()) {
                    errs.add(FieldError.required(at + ".key", "must be specified"));
                }
                checkOperatorValues(at, r.getOperator(), orEmpty(r.getValues()), errs);
            }
        }
        LabelSelectorAttributes labels = resource.getLabelSelector();
        if (labels != null) {
            List<LabelSelectorRequirement> requirements = orEmpty(labels.getRequirements());
            checkRawOrRequirements(LABELS, labels.getRawSelector(), requirements.isEmpty(), errs);
            for (int i = 0; i < requirements.size(); i++) {
                LabelSelectorRequirement r = requirements.get(i);
                String at = LABELS + ".requirements[" + i + "]";
                List<String> values = orEmpty(r.getValues());
                checkOperatorValues(at, r.getOperator(), values, errs);
                String key = r.getKey() == null ? "" : r.getKey();
                LabelValidation.qualifiedName(key).forEach(m -> errs.add(FieldError.invalid(at + ".key", key, m)));
                for (int v = 0; v < values.size(); v++) {
                    String value = values.get(v);
                    String path = at + ".values[" + v + "]";
                    LabelValidation.labelValue(value).forEach(m -> errs.add(FieldError.invalid(path, value, m)));
                }
            }
        }
    }

    private static void checkRawOrRequirements(String path, String raw, boolean noRequirements,
                                               List<FieldError> errs) {
        boolean noRaw = raw == null || raw.isEmpty();
        if (!noRaw && !noRequirements) {
            errs.add(FieldError.invalid(path + ".rawSelector", raw, "may not specified at the same time as requirements"));
        }
        if (noRaw && noRequirements) {
            errs.add(FieldError.required(path + ".requirements",
                    "when " + path + " is specified, requirements or rawSelector is required"));
        }
    }

    private static void checkOperatorValues(String at, String operator, List<String> values, List<FieldError> errs) {
        switch (operator == null ? "" : operator) {
            case "In", "NotIn" -> {
                if (values.isEmpty()) {
                    errs.add(FieldError.required(at + ".values", IN_VALUES));
                }
            }
            case "Exists", "DoesNotExist" -> {
                if (!values.isEmpty()) {
                    errs.add(FieldError.forbidden(at + ".values", EXISTS_VALUES));
                }
            }
            default -> {
                // an operator this server does not know: allowed, and left out when read
            }
        }
    }

    /** kube's {@code ResourceAttributesFrom} for the selectors, and {@code BuildEvaluationError}'s notes. */
    static Read read(ResourceAttributes resource) {
        if (resource == null) {
            return new Read(AuthorizationSelectors.NONE, List.of());
        }
        Parsed fields = resource.getFieldSelector() == null ? Parsed.NOTHING : fields(resource.getFieldSelector());
        Parsed labels = resource.getLabelSelector() == null ? Parsed.NOTHING : labels(resource.getLabelSelector());
        List<String> notes = new ArrayList<>();
        note(notes, "fieldSelector", fields);
        note(notes, "labelSelector", labels);
        return new Read(new AuthorizationSelectors(fields.requirements(), labels.requirements()), notes);
    }

    private static void note(List<String> notes, String which, Parsed parsed) {
        if (parsed.failed()) {
            notes.add("spec.resourceAttributes." + which + (parsed.requirements().isEmpty() ? " ignored"
                    : " partially ignored") + " due to parse error");
        }
    }

    private static Parsed fields(FieldSelectorAttributes selector) {
        List<FieldSelectorRequirement> given = orEmpty(selector.getRequirements());
        if (given.isEmpty()) {
            return AuthorizationSelectors.fieldSelector(selector.getRawSelector());
        }
        List<Requirement> out = new ArrayList<>();
        boolean failed = false;
        for (FieldSelectorRequirement r : given) {
            List<String> values = orEmpty(r.getValues());
            String operator = r.getOperator() == null ? "" : r.getOperator();
            if (values.size() == 1 && (operator.equals("In") || operator.equals("NotIn"))) {
                out.add(new Requirement(r.getKey() == null ? "" : r.getKey(), operator, values));
            } else {
                failed = true; // kube: one value only, and no Exists/DoesNotExist or unknown operators yet
            }
        }
        return new Parsed(out, failed);
    }

    private static Parsed labels(LabelSelectorAttributes selector) {
        List<LabelSelectorRequirement> given = orEmpty(selector.getRequirements());
        if (given.isEmpty()) {
            return AuthorizationSelectors.labelSelector(selector.getRawSelector());
        }
        List<LabelRequirement> read = new ArrayList<>();
        boolean failed = false;
        for (LabelSelectorRequirement r : given) {
            LabelRequirement.Operator op = switch (r.getOperator() == null ? "" : r.getOperator()) {
                case "In" -> LabelRequirement.Operator.IN;
                case "NotIn" -> LabelRequirement.Operator.NOT_IN;
                case "Exists" -> LabelRequirement.Operator.EXISTS;
                case "DoesNotExist" -> LabelRequirement.Operator.DOES_NOT_EXIST;
                default -> null;
            };
            try {
                if (op == null) {
                    throw new IllegalArgumentException("not a valid label selector operator");
                }
                read.add(LabelRequirement.of(r.getKey() == null ? "" : r.getKey(), op, orEmpty(r.getValues())));
            } catch (RuntimeException e) { // kube's labels.NewRequirement refusing it
                failed = true;
            }
        }
        return new Parsed(AuthorizationSelectors.labels(read), failed);
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
