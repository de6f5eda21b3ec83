package dev.kapi.apiserver.controllers.batch;

import dev.kapi.apiserver.api.Json;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What the batch controllers share about objects: controller references (kube's {@code metav1.GetControllerOf}
 * and {@code NewControllerRef}), keys, RFC 3339 times as the API writes them, deep copies.
 */
final class Owners {

    private Owners() {
    }

    /** The owner reference kube's controllers set on what they create: controller and blockOwnerDeletion true. */
    static OwnerReference controllerRef(HasMetadata owner, String apiVersion, String kind) {
        return new OwnerReferenceBuilder().withApiVersion(apiVersion).withKind(kind)
                .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).build();
    }

    /** The object's controller reference of this kind, or null. */
    static OwnerReference controllerOf(HasMetadata obj, String kind) {
        if (obj.getMetadata().getOwnerReferences() == null) {
            return null;
        }
        for (OwnerReference ref : obj.getMetadata().getOwnerReferences()) {
            if (Boolean.TRUE.equals(ref.getController())) {
                return kind.equals(ref.getKind()) ? ref : null;
            }
        }
        return null;
    }

    /** Whether the object's controller is the owner of this kind and uid. */
    static boolean controlledBy(HasMetadata obj, String kind, String uid) {
        OwnerReference ref = controllerOf(obj, kind);
        return ref != null && uid != null && uid.equals(ref.getUid());
    }

    static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    static String key(HasMetadata obj) {
        return key(obj.getMetadata().getNamespace(), obj.getMetadata().getName());
    }

    static String namespace(String key) {
        return key.substring(0, key.indexOf('/'));
    }

    static String name(String key) {
        return key.substring(key.indexOf('/') + 1);
    }

    /** A time as the API stores it: RFC 3339, whole seconds, UTC. */
    static String time(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static Instant instant(String time) {
        return time == null || time.isEmpty() ? null : Instant.parse(time);
    }

    static boolean deleting(HasMetadata obj) {
        String ts = obj.getMetadata().getDeletionTimestamp();
        return ts != null && !ts.isEmpty();
    }

    /** A deep copy (cached objects are shared and never changed). */
    static <T> T copy(T obj, Class<T> type) {
        return Json.convert(Json.tree(obj), type);
    }
}
