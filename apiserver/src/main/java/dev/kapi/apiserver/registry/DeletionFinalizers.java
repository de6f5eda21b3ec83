package dev.kapi.apiserver.registry;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * The garbage collector's finalizers a delete leaves on an object (kube's
 * {@code deletionFinalizersForGarbageCollection}): {@code orphan} when its dependents are to be orphaned,
 * {@code foregroundDeletion} when they are to go first. The delete's options decide (the legacy
 * {@code orphanDependents} over {@code propagationPolicy}); without either, a GC finalizer the object already
 * has stays; without one, the resource's {@link GarbageCollectionPolicy}. Background asks for neither, and a
 * resource whose policy is {@link GarbageCollectionPolicy#UNSUPPORTED} never gets either.
 */
public final class DeletionFinalizers {

    public static final String ORPHAN = "orphan";
    public static final String FOREGROUND = "foregroundDeletion";

    private DeletionFinalizers() {
    }

    /** The object's finalizers after the delete: its own others, then the GC finalizer wanted, if any. */
    static List<String> after(List<String> finalizers, DeletePropagation propagation, GarbageCollectionPolicy policy) {
        List<String> current = finalizers == null ? List.of() : finalizers;
        List<String> next = new ArrayList<>();
        for (String f : current) {
            if (!f.equals(ORPHAN) && !f.equals(FOREGROUND)) {
                next.add(f);
            }
        }
        if (orphan(current, propagation, policy)) {
            next.add(ORPHAN);
        }
        if (foreground(current, propagation, policy)) {
            next.add(FOREGROUND);
        }
        return next;
    }

    /** Whether {@link #after} changes the set of finalizers. */
    static boolean changes(List<String> finalizers, DeletePropagation propagation, GarbageCollectionPolicy policy) {
        List<String> current = finalizers == null ? List.of() : finalizers;
        return !new HashSet<>(current).equals(new HashSet<>(after(current, propagation, policy)));
    }

    private static boolean orphan(List<String> finalizers, DeletePropagation p, GarbageCollectionPolicy policy) {
        if (policy == GarbageCollectionPolicy.UNSUPPORTED) {
            return false;
        }
        if (p.orphanDependents() != null) {
            return p.orphanDependents();
        }
        if (p.policy() != null) {
            return p.policy().equals(DeletePropagation.ORPHAN);
        }
        for (String f : finalizers) {
            if (f.equals(ORPHAN)) {
                return true;
            }
            if (f.equals(FOREGROUND)) {
                return false;
            }
        }
        return policy == GarbageCollectionPolicy.ORPHAN_DEPENDENTS;
    }

    private static boolean foreground(List<String> finalizers, DeletePropagation p, GarbageCollectionPolicy policy) {
        if (policy == GarbageCollectionPolicy.UNSUPPORTED || p.orphanDependents() != null) {
            return false;
        }
        if (p.policy() != null) {
            return p.policy().equals(DeletePropagation.FOREGROUND);
        }
        for (String f : finalizers) {
            if (f.equals(FOREGROUND)) {
                return true;
            }
            if (f.equals(ORPHAN)) {
                return false;
            }
        }
        return false;
    }
}
