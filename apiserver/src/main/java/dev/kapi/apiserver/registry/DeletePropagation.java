package dev.kapi.apiserver.registry;

/**
 * What a delete asks of the object's dependents: the {@code DeleteOptions}' {@code propagationPolicy}
 * ({@code Orphan}, {@code Background}, {@code Foreground}, or null) and the legacy {@code orphanDependents}
 * (null when unset). Both unset leaves the choice to the resource's {@link GarbageCollectionPolicy} and to the
 * GC finalizers the object already has.
 */
public record DeletePropagation(String policy, Boolean orphanDependents) {

    public static final String ORPHAN = "Orphan";
    public static final String BACKGROUND = "Background";
    public static final String FOREGROUND = "Foreground";

    /** Nothing asked: the resource's default. */
    public static final DeletePropagation UNSET = new DeletePropagation(null, null);

    /** Whether the delete leaves the choice to the resource's default. */
    public boolean unset() {
        return policy == null && orphanDependents == null;
    }
}
