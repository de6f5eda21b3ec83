package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.api.Json;
import io.fabric8.kubernetes.api.model.NamespaceCondition;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one cleanup pass over a terminating namespace left, told as kube's namespace controller tells it in
 * the namespace's status conditions ({@code kubectl describe namespace} shows them): which resources still
 * have objects ({@code NamespaceContentRemaining}, "configmaps. has 1 resource instances"), which finalizers
 * hold them ({@code NamespaceFinalizersRemaining}) and which deletions failed
 * ({@code NamespaceDeletionContentFailure}); each condition is False with kube's "all fine" reason otherwise.
 */
final class NamespaceDeletionStatus {

    private final Map<String, Integer> remainingByResource = new TreeMap<>();
    private final Map<String, Integer> remainingByFinalizer = new TreeMap<>();
    private final List<String> failures = new ArrayList<>();

    /** Objects of {@code resource} (plural.group; the core group leaves "pods.") still in the namespace. */
    void remaining(String groupResource, int count, List<List<String>> finalizersOfEach) {
        if (count > 0) {
            remainingByResource.merge(groupResource, count, Integer::sum);
        }
        for (List<String> finalizers : finalizersOfEach) {
            for (String f : finalizers) {
                remainingByFinalizer.merge(f, 1, Integer::sum);
            }
        }
    }

    void failed(String message) {
        failures.add(message);
    }

    boolean empty() {
        return remainingByResource.isEmpty() && failures.isEmpty();
    }

    /** The five deletion conditions, keeping a condition's lastTransitionTime while its status stays. */
    List<NamespaceCondition> conditions(List<NamespaceCondition> before) {
        List<NamespaceCondition> out = new ArrayList<>();
        out.add(ok("NamespaceDeletionDiscoveryFailure", "ResourcesDiscovered", "All resources successfully discovered"));
        out.add(ok("NamespaceDeletionGroupVersionParsingFailure", "ParsedGroupVersions",
                "All legacy kube types successfully parsed"));
        out.add(failures.isEmpty()
                ? ok("NamespaceDeletionContentFailure", "ContentDeleted",
                        "All content successfully deleted, may be waiting on finalization")
                : condition("NamespaceDeletionContentFailure", "True", "ContentDeletionFailed",
                        "Failed to delete all resource types, " + failures.size() + " remaining: "
                                + String.join(", ", failures)));
        out.add(remainingByResource.isEmpty()
                ? ok("NamespaceContentRemaining", "ContentRemoved", "All content successfully removed")
                : condition("NamespaceContentRemaining", "True", "SomeResourcesRemain",
                        "Some resources are remaining: " + joined(remainingByResource, " has %d resource instances")));
        out.add(remainingByFinalizer.isEmpty()
                ? ok("NamespaceFinalizersRemaining", "ContentHasNoFinalizers", "All content-preserving finalizers finished")
                : condition("NamespaceFinalizersRemaining", "True", "SomeFinalizersRemain",
                        "Some content in the namespace has finalizers remaining: "
                                + joined(remainingByFinalizer, " in %d resource instances")));
        for (NamespaceCondition c : out) {
            for (NamespaceCondition old : before == null ? List.<NamespaceCondition>of() : before) {
                if (old.getType().equals(c.getType()) && old.getStatus().equals(c.getStatus())
                        && old.getLastTransitionTime() != null) {
                    c.setLastTransitionTime(old.getLastTransitionTime());
                }
            }
        }
        return out;
    }

    /** Whether {@code conditions} say the same as {@code before} (then nothing needs writing). */
    static boolean same(List<NamespaceCondition> conditions, List<NamespaceCondition> before) {
        return before != null && Json.sameJson(conditions, before);
    }

    private static String joined(Map<String, Integer> counts, String format) {
        List<String> parts = new ArrayList<>();
        counts.forEach((name, n) -> parts.add(name + String.format(format, n)));
        return String.join(", ", parts);
    }

    private static NamespaceCondition ok(String type, String reason, String message) {
        return condition(type, "False", reason, message);
    }

    private static NamespaceCondition condition(String type, String status, String reason, String message) {
        NamespaceCondition c = new NamespaceCondition();
        c.setType(type);
        c.setStatus(status);
        c.setReason(reason);
        c.setMessage(message);
        c.setLastTransitionTime(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        return c;
    }
}
