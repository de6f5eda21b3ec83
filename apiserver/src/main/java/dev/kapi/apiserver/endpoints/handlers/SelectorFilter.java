package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.selection.FieldSelector;
import dev.kapi.apiserver.api.selection.LabelSelector;
import dev.kapi.apiserver.registry.FieldPinningFilter;
import dev.kapi.apiserver.registry.ResourceDefinition;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Builds the filter of a list, watch or deletecollection from its {@code labelSelector} and
 * {@code fieldSelector}. Field selectors may name {@code metadata.name}, {@code metadata.namespace} and
 * the fields the resource's strategy makes selectable; any other field is a 400.
 */
public final class SelectorFilter {

    private SelectorFilter() {
    }

    /** The filter (telling which fields it pins to one value), or null when the request selects everything. */
    public static Predicate<HasMetadata> of(RequestScope scope) {
        LabelSelector labels = LabelSelector.parse(orEmpty(scope.param("labelSelector")));
        FieldSelector fields = FieldSelector.parse(orEmpty(scope.param("fieldSelector")));
        ResourceDefinition<HasMetadata> def = scope.definition();
        if (!fields.isEmpty()) {
            fields.validateFields(supportedFields(def), def.kind());
        }
        if (labels.isEmpty() && fields.isEmpty()) {
            return null;
        }
        return new FieldPinningFilter<>() {
            @Override
            public boolean test(HasMetadata obj) {
                Map<String, String> objLabels = obj.getMetadata().getLabels();
                if (!labels.isEmpty() && !labels.matches(objLabels == null ? Map.of() : objLabels)) {
                    return false;
                }
                return fields.isEmpty() || fields.matches(fieldsOf(def, obj));
            }

            @Override
            public String pinned(String field) {
                return fields.exactMatch(field);
            }

            @Override
            public Predicate<Map<String, String>> labelsOnly() {
                return fields.isEmpty() ? labels::matches : null;
            }
        };
    }

    static Set<String> supportedFields(ResourceDefinition<HasMetadata> def) {
        Set<String> s = new HashSet<>(Set.of("metadata.name", "metadata.namespace"));
        try {
            s.addAll(def.strategy().selectableFields(emptyObject(def)).keySet());
        } catch (RuntimeException e) {
            // a strategy that cannot describe an empty object: fall back to metadata fields only
        }
        return s;
    }

    private static HasMetadata emptyObject(ResourceDefinition<HasMetadata> def) {
        try {
            HasMetadata o = def.type().getDeclaredConstructor().newInstance();
            o.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
            return o;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> fieldsOf(ResourceDefinition<HasMetadata> def, HasMetadata obj) {
        Map<String, String> f = new HashMap<>(def.strategy().selectableFields(obj));
        f.put("metadata.name", orEmpty(obj.getMetadata().getName()));
        if (def.namespaced()) {
            f.put("metadata.namespace", orEmpty(obj.getMetadata().getNamespace()));
        }
        return f;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
