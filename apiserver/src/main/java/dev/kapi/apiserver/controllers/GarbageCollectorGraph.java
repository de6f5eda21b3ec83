package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.registry.DeletionFinalizers;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The garbage collector's picture of who owns what (kube's {@code GraphBuilder} and its {@code uidToNode}):
 * one node per uid, from the objects every monitor sees and, for an owner nobody has seen yet, a virtual node
 * made from a dependent's reference (its coordinates, in the dependent's namespace). The graph only decides
 * what to look at: {@link GarbageCollector} checks every owner against the live object (by uid) before it
 * deletes anything. Changes come from the monitors' threads; the graph tells what is to be done through
 * {@code attemptToDelete} and {@code attemptToOrphan} (uids), and reports dependents whose reference to an
 * observed owner crosses namespaces.
 */
final class GarbageCollectorGraph {

    /** Who an object is: its coordinates and uid ({@code namespace} "" when cluster-scoped). */
    record Identity(String apiVersion, String kind, String namespace, String name, String uid) {
        @Override
        public String toString() {
            // kube's objectReference.String()
            return "[" + apiVersion + "/" + kind + ", namespace: " + namespace + ", name: " + name + ", uid: " + uid + "]";
        }
    }

    /** One object, or an owner known only from references (virtual). Read and written under the graph's lock. */
    static final class Node {
        Identity identity;
        boolean virtual;
        List<OwnerReference> owners = List.of();
        boolean deleting;
        List<String> finalizers = List.of();
        /** Read only; {@link #addDependent} and {@link #removeDependent} change it (most nodes have none). */
        Set<Node> dependents = Set.of();

        boolean addDependent(Node dependent) {
            if (!(dependents instanceof LinkedHashSet)) {
                dependents = new LinkedHashSet<>();
            }
            return dependents.add(dependent);
        }

        void removeDependent(Node dependent) {
            if (dependents.contains(dependent)) {
                dependents.remove(dependent);
                if (dependents.isEmpty()) {
                    dependents = Set.of();
                }
            }
        }

        boolean deletingDependents() {
            return deleting && finalizers.contains(DeletionFinalizers.FOREGROUND);
        }

        boolean orphaning() {
            return deleting && finalizers.contains(DeletionFinalizers.ORPHAN);
        }
    }

    private final Map<String, Node> byUid = new HashMap<>();
    private final Consumer<String> attemptToDelete;
    private final Consumer<String> attemptToOrphan;
    private final InvalidReferences invalid;

    /** Told of a dependent that references an observed namespaced owner from another namespace. */
    @FunctionalInterface
    interface InvalidReferences {
        void report(Identity dependent, OwnerReference owner);
    }

    GarbageCollectorGraph(Consumer<String> attemptToDelete, Consumer<String> attemptToOrphan,
                          InvalidReferences invalid) {
        this.attemptToDelete = attemptToDelete;
        this.attemptToOrphan = attemptToOrphan;
        this.invalid = invalid;
    }

    /** An object was added or changed (an informer's add, update or resync). */
    synchronized void observe(Identity id, ObjectMeta meta) {
        List<OwnerReference> owners = meta.getOwnerReferences() == null ? List.of()
                : List.copyOf(meta.getOwnerReferences());
        Node node = byUid.get(id.uid());
        boolean wasDeletingDependents = node != null && node.deletingDependents();
        boolean wasOrphaning = node != null && node.orphaning();
        List<OwnerReference> before = node == null ? List.of() : node.owners;
        if (node == null) {
            node = new Node();
            byUid.put(id.uid(), node);
        }
        node.identity = id;
        node.virtual = false;
        node.deleting = meta.getDeletionTimestamp() != null;
        node.finalizers = meta.getFinalizers() == null ? List.of() : List.copyOf(meta.getFinalizers());
        node.owners = owners;
        linkOwners(node, before, owners);
        if (node.deletingDependents() && !wasDeletingDependents) {
            node.dependents.forEach(d -> attemptToDelete.accept(d.identity.uid()));
            attemptToDelete.accept(id.uid());
        }
        if (node.orphaning() && !wasOrphaning) {
            attemptToOrphan.accept(id.uid());
        }
    }

    /** An object is gone (an informer's delete, or the live object found gone or replaced). */
    synchronized void remove(String uid) {
        Node node = byUid.remove(uid);
        if (node == null) {
            return;
        }
        for (OwnerReference ref : node.owners) {
            Node owner = byUid.get(ref.getUid());
            if (owner != null) {
                owner.removeDependent(node);
                if (owner.deletingDependents()) {
                    attemptToDelete.accept(owner.identity.uid());
                }
            }
        }
        node.dependents.forEach(d -> attemptToDelete.accept(d.identity.uid()));
    }

    /** The node of a uid (its fields are read under the graph's lock: use {@link #view}). */
    synchronized View view(String uid) {
        Node n = byUid.get(uid);
        if (n == null) {
            return null;
        }
        List<View.Dependent> dependents = new ArrayList<>();
        for (Node d : n.dependents) {
            boolean blocking = d.owners.stream().anyMatch(r -> uid.equals(r.getUid())
                    && Boolean.TRUE.equals(r.getBlockOwnerDeletion()));
            dependents.add(new View.Dependent(d.identity, blocking, d.deletingDependents()));
        }
        return new View(n.identity, n.virtual, n.deleting, n.deletingDependents(), List.copyOf(dependents));
    }

    /** A copy of one node's state, for a worker to act on outside the lock. */
    record View(Identity identity, boolean virtual, boolean deleting, boolean deletingDependents,
                List<Dependent> dependents) {
        record Dependent(Identity identity, boolean blocksOwner, boolean deletingDependents) {
        }

        List<Dependent> blocking() {
            return dependents.stream().filter(Dependent::blocksOwner).toList();
        }
    }

    synchronized int size() {
        return byUid.size();
    }

    /**
     * Makes {@code node} a dependent of the owners it now references and no more of those it dropped; a
     * virtual node stands in for an owner not seen yet and is queued to be checked against the live object.
     */
    private void linkOwners(Node node, List<OwnerReference> before, List<OwnerReference> after) {
        Map<String, OwnerReference> now = new HashMap<>();
        after.forEach(r -> now.put(r.getUid(), r));
        for (OwnerReference old : before) {
            OwnerReference kept = now.get(old.getUid());
            Node owner = byUid.get(old.getUid());
            if (owner == null) {
                continue;
            }
            boolean unblocked = Boolean.TRUE.equals(old.getBlockOwnerDeletion())
                    && (kept == null || !Boolean.TRUE.equals(kept.getBlockOwnerDeletion()));
            if (kept == null) {
                owner.removeDependent(node);
            }
            if (unblocked && owner.deletingDependents()) {
                attemptToDelete.accept(owner.identity.uid());
            }
        }
        boolean verify = false;
        for (OwnerReference ref : after) {
            Node owner = byUid.get(ref.getUid());
            if (owner == null) {
                owner = new Node();
                owner.virtual = true;
                owner.identity = new Identity(ref.getApiVersion(), ref.getKind(), node.identity.namespace(),
                        ref.getName(), ref.getUid());
                byUid.put(ref.getUid(), owner);
                owner.addDependent(node);
                attemptToDelete.accept(ref.getUid());
                continue;
            }
            boolean added = owner.addDependent(node);
            String ownerNs = owner.identity.namespace();
            if (!owner.virtual && !ownerNs.isEmpty() && !ownerNs.equals(node.identity.namespace())) {
                if (added) {
                    invalid.report(node.identity, ref);
                }
                verify = true;
            } else if (!Objects.equals(ref.getName(), owner.identity.name())
                    || !Objects.equals(ref.getKind(), owner.identity.kind())) {
                verify = true; // the reference does not match the owner seen: the owner may be absent
            }
        }
        if (verify) {
            attemptToDelete.accept(node.identity.uid());
        }
    }
}
