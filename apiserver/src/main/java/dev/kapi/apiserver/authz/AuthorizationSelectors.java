package dev.kapi.apiserver.authz;

import dev.kapi.apiserver.api.selection.FieldSelector;
import dev.kapi.apiserver.api.selection.LabelRequirement;
import dev.kapi.apiserver.api.selection.LabelSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The field and label selectors a list, watch or deletecollection narrows itself by, as kube 1.32 hands them to
 * authorizers (AuthorizeWithSelectors, on by default): requirements in the SubjectAccessReview's form
 * ({@code In}/{@code NotIn} for fields; also {@code Exists}/{@code DoesNotExist} for labels). A selector that
 * does not parse is left out, and so is a requirement with another operator ({@code Gt}, {@code Lt}): requirements
 * only narrow a request, so leaving one out asks about more, never less. RBAC ignores them; webhooks get them
 * and their match conditions see them.
 */
public record AuthorizationSelectors(List<Requirement> fields, List<Requirement> labels) {

    /** One requirement as {@code metav1.FieldSelectorRequirement} and {@code LabelSelectorRequirement} say it. */
    public record Requirement(String key, String operator, List<String> values) {
        public Requirement {
            values = List.copyOf(values);
        }
    }

    public static final AuthorizationSelectors NONE = new AuthorizationSelectors(List.of(), List.of());

    public AuthorizationSelectors {
        fields = List.copyOf(fields);
        labels = List.copyOf(labels);
    }

    /** A selector's requirements, and whether (part of) it could not be read (then it narrows less). */
    public record Parsed(List<Requirement> requirements, boolean failed) {
        public static final Parsed NOTHING = new Parsed(List.of(), false);
        static final Parsed UNREADABLE = new Parsed(List.of(), true);
    }

    /** kube's request attributes: the {@code fieldSelector} and {@code labelSelector} of a collection read. */
    public static AuthorizationSelectors ofRequest(String verb, String fieldSelector, String labelSelector) {
        if (!"list".equals(verb) && !"watch".equals(verb) && !"deletecollection".equals(verb)) {
            return NONE;
        }
        // one that does not parse: its handler answers the 400, after authorization (kube's too)
        List<Requirement> fields = fieldSelector(fieldSelector).requirements();
        List<Requirement> labels = labelSelector(labelSelector).requirements();
        return fields.isEmpty() && labels.isEmpty() ? NONE : new AuthorizationSelectors(fields, labels);
    }

    public boolean isEmpty() {
        return fields.isEmpty() && labels.isEmpty();
    }

    /** A field selector's text ({@code fields.ParseSelector}) as requirements. */
    public static Parsed fieldSelector(String raw) {
        return parse(raw, text -> FieldSelector.parse(text).requirements().stream().map(r -> new Requirement(r.field(),
                r.equals() ? "In" : "NotIn", List.of(r.value()))).toList());
    }

    /** A label selector's text ({@code labels.Parse}) as requirements. */
    public static Parsed labelSelector(String raw) {
        return parse(raw, text -> labels(LabelSelector.parse(text).requirements()));
    }

    private static Parsed parse(String raw, Function<String, List<Requirement>> read) {
        if (raw == null || raw.isEmpty()) {
            return Parsed.NOTHING;
        }
        try {
            return new Parsed(read.apply(raw), false);
        } catch (RuntimeException e) {
            return Parsed.UNREADABLE;
        }
    }

    /** Label requirements in the API's form; {@code Gt} and {@code Lt} have none and are left out. */
    public static List<Requirement> labels(List<LabelRequirement> parsed) {
        List<Requirement> out = new ArrayList<>();
        for (LabelRequirement r : parsed) {
            String operator = switch (r.operator()) {
                case EQUALS, DOUBLE_EQUALS, IN -> "In";
                case NOT_EQUALS, NOT_IN -> "NotIn";
                case EXISTS -> "Exists";
                case DOES_NOT_EXIST -> "DoesNotExist";
                case GREATER_THAN, LESS_THAN -> null; // no such operator in the API: the requirement is left out
            };
            if (operator != null) {
                out.add(new Requirement(r.key(), operator, r.values()));
            }
        }
        return out;
    }
}
