package dev.kapi.apiserver.admission.plugin.matching;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.api.selection.LabelSelector;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.Map;
import java.util.Optional;

/**
 * kube's {@code namespaceSelector} and {@code objectSelector} matching ({@code webhook/predicates/namespace} and
 * {@code object}). A null or empty selector matches everything.
 *
 * <ul>
 * <li>namespace: a cluster-scoped request (other than for a namespace) always matches; a create or update of a
 *     namespace is matched by the new object's labels; otherwise by the labels of the request's namespace, read
 *     through {@link NamespaceLabels}; a namespace that does not exist is kube's 404
 *     {@code namespaces "x" not found};</li>
 * <li>object: matches when the new object's or the old object's labels match.</li>
 * </ul>
 */
public final class Selectors {

    /** A namespace's labels, read from storage or a recent cache; empty when the namespace does not exist. */
    @FunctionalInterface
    public interface NamespaceLabels {
        Optional<Map<String, String>> labels(String namespace);
    }

    private static final GroupResource NAMESPACES = new GroupResource("", "namespaces");

    private Selectors() {
    }

    public static boolean namespaceMatches(io.fabric8.kubernetes.api.model.LabelSelector selector, AdmissionAttributes a,
                                           NamespaceLabels namespaces) {
        boolean namespaceResource = a.group().isEmpty() && a.resource().resource().equals("namespaces");
        if ((a.namespace() == null || a.namespace().isEmpty()) && !namespaceResource) {
            return true;
        }
        LabelSelector parsed = parse(selector);
        if (parsed.isEmpty()) {
            return true;
        }
        if (namespaceResource && a.mainResource()
                && (a.operation() == Operation.CREATE || a.operation() == Operation.UPDATE)) {
            return parsed.matches(labelsOf(a.object()));
        }
        Map<String, String> labels = namespaces.labels(a.namespace())
                .orElseThrow(() -> StatusError.notFound(NAMESPACES, a.namespace()));
        return parsed.matches(labels);
    }

    public static boolean objectMatches(io.fabric8.kubernetes.api.model.LabelSelector selector, AdmissionAttributes a) {
        LabelSelector parsed = parse(selector);
        if (parsed.isEmpty()) {
            return true;
        }
        return (a.object() != null && parsed.matches(labelsOf(a.object())))
                || (a.oldObject() != null && parsed.matches(labelsOf(a.oldObject())));
    }

    /** The selector as a matcher; null counts as empty (v1 defaults it to {@code {}}). */
    private static LabelSelector parse(io.fabric8.kubernetes.api.model.LabelSelector selector) {
        return selector == null ? LabelSelector.everything() : LabelSelector.fromObject(selector);
    }

    private static Map<String, String> labelsOf(HasMetadata obj) {
        Map<String, String> labels = obj == null || obj.getMetadata() == null ? null : obj.getMetadata().getLabels();
        return labels == null ? Map.of() : labels;
    }
}
