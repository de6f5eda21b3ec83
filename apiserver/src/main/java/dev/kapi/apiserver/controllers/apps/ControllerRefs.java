package dev.kapi.apiserver.controllers.apps;

import dev.kapi.apiserver.api.selection.LabelSelector;
import dev.kapi.apiserver.api.selection.SelectorSyntaxException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * kube's controller references ({@code metav1.GetControllerOf}, {@code NewControllerRef}) and the small
 * helpers around them: which object controls another, the reference a controller puts on what it creates
 * (controller and blockOwnerDeletion true), selectors that never panic, and RFC 3339 times as kube writes
 * them in conditions.
 */
final class ControllerRefs {

    private ControllerRefs() {
    }

    /** The owner reference with {@code controller: true}, or null. */
    static OwnerReference controllerOf(HasMetadata obj) {
        List<OwnerReference> refs = obj.getMetadata().getOwnerReferences();
        if (refs == null) {
            return null;
        }
        return refs.stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst().orElse(null);
    }

    /** kube's {@code NewControllerRef}: controller and blockOwnerDeletion true. */
    static OwnerReference controllerRef(HasMetadata owner, String apiVersion, String kind) {
        OwnerReference ref = new OwnerReference();
        ref.setApiVersion(apiVersion);
        ref.setKind(kind);
        ref.setName(owner.getMetadata().getName());
        ref.setUid(owner.getMetadata().getUid());
        ref.setController(true);
        ref.setBlockOwnerDeletion(true);
        return ref;
    }

    /** True when {@code obj}'s controller is {@code owner} (same uid). */
    static boolean controlledBy(HasMetadata obj, HasMetadata owner) {
        OwnerReference ref = controllerOf(obj);
        return ref != null && Objects.equals(ref.getUid(), owner.getMetadata().getUid());
    }

    /** The selector as a predicate on labels; an invalid one matches nothing, a null one nothing. */
    static Predicate<Map<String, String>> selector(io.fabric8.kubernetes.api.model.LabelSelector selector) {
        LabelSelector parsed;
        try {
            parsed = LabelSelector.fromObject(selector);
        } catch (SelectorSyntaxException e) {
            return labels -> false;
        }
        return labels -> parsed.matches(labels == null ? Map.of() : labels);
    }

    /** True when the selector is empty (kube refuses to act on "select everything" for workloads). */
    static boolean selectsEverything(io.fabric8.kubernetes.api.model.LabelSelector selector) {
        return selector != null && (selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
                && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty());
    }

    /** kube's metav1.Time: RFC 3339 in seconds, UTC. */
    static String time(Instant instant) {
        return instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    /** The parsed time, or null for none or an unreadable one. */
    static Instant parse(String time) {
        if (time == null || time.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(time);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** An Integer field, 0 when absent (Go's zero value). */
    static int intOf(Integer i) {
        return i == null ? 0 : i;
    }

    /** A Long field, 0 when absent. */
    static long longOf(Long l) {
        return l == null ? 0 : l;
    }

    /** "namespace/name" of an object. */
    static String key(HasMetadata obj) {
        return obj.getMetadata().getNamespace() + "/" + obj.getMetadata().getName();
    }
}
