package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.Json;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The server-owned parts of {@code metadata} every resource shares: uid, creationTimestamp, generateName
 * suffixes, generation, deletionTimestamp, and the separation of {@code spec} from {@code status}
 * (kube-apiserver's {@code rest.FillObjectMetaSystemFields}, {@code ResetObjectMetaForStatus}).
 */
final class ObjectMetaLifecycle {

    private static final String SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The last second {@link #now()} formatted, and its text (formatting is the costly part). */
    private record FormattedSecond(long epochSecond, String text) {
    }

    private static volatile FormattedSecond lastSecond = new FormattedSecond(Long.MIN_VALUE, "");

    private ObjectMetaLifecycle() {
    }

    /** The current time in whole seconds, RFC 3339 in UTC ({@code 2024-01-02T03:04:05Z}). */
    static String now() {
        long second = Instant.now().getEpochSecond();
        FormattedSecond last = lastSecond;
        if (last.epochSecond() != second) {
            last = new FormattedSecond(second, Instant.ofEpochSecond(second).toString());
            lastSecond = last;
        }
        return last.text();
    }

    /** A random (version 4) UUID, as kube-apiserver gives every new object. */
    static String newUid() {
        return UUID.randomUUID().toString();
    }

    /** generateName + 5 random characters, as apiserver's {@code names.SimpleNameGenerator}. */
    static String generateName(String base) {
        String b = base.length() > 58 ? base.substring(0, 58) : base;
        StringBuilder s = new StringBuilder(b);
        for (int i = 0; i < 5; i++) {
            s.append(SUFFIX_ALPHABET.charAt(RANDOM.nextInt(SUFFIX_ALPHABET.length())));
        }
        return s.toString();
    }

    /** Fills the system fields of a new object and clears what a client may not set. */
    static void fillForCreate(ObjectMeta meta, boolean tracksGeneration) {
        meta.setUid(newUid());
        meta.setCreationTimestamp(now());
        meta.setResourceVersion(null);
        meta.setSelfLink(null);
        meta.setDeletionTimestamp(null);
        meta.setDeletionGracePeriodSeconds(null);
        meta.setGeneration(tracksGeneration ? 1L : null);
    }

    /**
     * What an update leaves out is taken from the stored object before validation, as kube-apiserver's
     * {@code BeforeUpdate} does: an empty uid, any creationTimestamp, the deletionTimestamp once set and an
     * absent deletionGracePeriodSeconds. Only a different value the client sent is then an immutable-field
     * error (a PUT of an object without uid or creationTimestamp replaces it).
     */
    static void takeUnsetSystemFields(ObjectMeta meta, ObjectMeta old) {
        if (meta.getUid() == null || meta.getUid().isEmpty()) {
            meta.setUid(old.getUid());
        }
        if (old.getCreationTimestamp() != null && !old.getCreationTimestamp().isEmpty()) {
            meta.setCreationTimestamp(old.getCreationTimestamp());
        }
        if (old.getDeletionTimestamp() != null && !old.getDeletionTimestamp().isEmpty()) {
            meta.setDeletionTimestamp(old.getDeletionTimestamp());
        }
        if (old.getDeletionGracePeriodSeconds() != null && meta.getDeletionGracePeriodSeconds() == null) {
            meta.setDeletionGracePeriodSeconds(old.getDeletionGracePeriodSeconds());
        }
    }

    /** Keeps the fields an update may not change from the stored object. */
    static void keepSystemFields(ObjectMeta meta, ObjectMeta old) {
        meta.setUid(old.getUid());
        meta.setCreationTimestamp(old.getCreationTimestamp());
        meta.setDeletionTimestamp(old.getDeletionTimestamp());
        meta.setDeletionGracePeriodSeconds(old.getDeletionGracePeriodSeconds());
        meta.setGeneration(old.getGeneration());
        meta.setSelfLink(null);
        if (meta.getGenerateName() == null) {
            meta.setGenerateName(old.getGenerateName());
        }
    }

    /**
     * Starts the deletion of an object its finalizers hold: deletionTimestamp now, grace period 0, and
     * generation + 1 where the kind keeps one (kube-apiserver's {@code markAsDeleting}).
     */
    static void markDeleting(ObjectMeta meta) {
        meta.setDeletionTimestamp(now());
        meta.setDeletionGracePeriodSeconds(0L);
        if (meta.getGeneration() != null && meta.getGeneration() > 0) {
            meta.setGeneration(meta.getGeneration() + 1);
        }
    }

    /** True when anything outside metadata and status differs (the rule for bumping generation). */
    static boolean specChanged(HasMetadata updated, HasMetadata old) {
        return specChanged(updated, old, true);
    }

    /**
     * True when anything outside metadata (and status, when {@code statusApart}) differs: a custom resource
     * without a status subresource counts its status changes too, as kube's customresource strategy does.
     */
    static boolean specChanged(HasMetadata updated, HasMetadata old, boolean statusApart) {
        ObjectNode a = (ObjectNode) Json.tree(updated);
        ObjectNode b = (ObjectNode) Json.tree(old);
        for (ObjectNode n : new ObjectNode[] {a, b}) {
            n.remove("metadata");
            if (statusApart) {
                n.remove("status");
            }
            n.remove("apiVersion");
            n.remove("kind");
        }
        return !a.equals(b);
    }

    /** The object with its status removed (create on a resource with a status subresource). */
    static <T extends HasMetadata> T withoutStatus(T obj, Class<T> type) {
        ObjectNode tree = (ObjectNode) Json.tree(obj);
        if (tree.remove("status") == null) {
            return obj;
        }
        return Json.convert(tree, type);
    }

    /** {@code target} with the status of {@code source} (null status removes it). */
    static <T extends HasMetadata> T withStatusOf(T target, HasMetadata source, Class<T> type) {
        ObjectNode tree = (ObjectNode) Json.tree(target);
        JsonNode status = Json.tree(source).get("status");
        if (Objects.equals(tree.get("status"), status)) {
            return target;
        }
        if (status == null || status.isNull()) {
            tree.remove("status");
        } else {
            tree.set("status", status);
        }
        return Json.convert(tree, type);
    }

    /** An update of an object being deleted may not add finalizers (kube's message). */
    static void checkFinalizersWhileDeleting(ObjectMeta meta, ObjectMeta old, List<FieldError> errs) {
        if (old.getDeletionTimestamp() == null) {
            return;
        }
        HashSet<String> before = new HashSet<>(old.getFinalizers() == null ? List.of() : old.getFinalizers());
        for (String f : meta.getFinalizers() == null ? List.<String>of() : meta.getFinalizers()) {
            if (!before.contains(f)) {
                errs.add(FieldError.forbidden("metadata.finalizers",
                        "no new finalizers can be added if the object is being deleted, found new finalizers [\""
                                + f + "\"]"));
            }
        }
    }
}
