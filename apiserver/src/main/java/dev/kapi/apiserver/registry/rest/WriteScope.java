package dev.kapi.apiserver.registry.rest;

import dev.kapi.apiserver.admission.AdmissionRecorder;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.registry.Store;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.Objects;

/**
 * Where one write goes and who asks (kube's request context and handler scope): the store of the served
 * resource, the request's namespace (null for a cluster-scoped resource), the subresource (null for the
 * resource itself) and the caller: the authorized user of an HTTP request, or the system identity of one of
 * the server's own writers ({@link SystemUsers}). {@code manager} names the writer in managedFields when the
 * request names no {@code fieldManager}: an HTTP client by its User-Agent, the server's writers as kube's.
 * {@code recorder} takes admission's warnings and audit annotations for the request (the server's writers
 * drop them).
 */
public record WriteScope<T extends HasMetadata>(Store<T> store, String namespace, String subresource, UserInfo user,
                                                String manager, AdmissionRecorder recorder) {

    public WriteScope {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(user, "user");
        subresource = subresource == null || subresource.isEmpty() ? null : subresource;
        manager = manager == null ? SystemUsers.fieldManager(user) : manager;
        recorder = recorder == null ? AdmissionRecorder.NONE : recorder;
    }

    /** A write by one of the server's own writers, named in managedFields as kube names them. */
    public WriteScope(Store<T> store, String namespace, String subresource, UserInfo user) {
        this(store, namespace, subresource, user, null, null);
    }

    /** A write of the resource itself. */
    public static <T extends HasMetadata> WriteScope<T> of(Store<T> store, String namespace, UserInfo user) {
        return new WriteScope<>(store, namespace, null, user);
    }

    /** The same write through a subresource ({@code status}, {@code finalize}, {@code scale}, ...). */
    public WriteScope<T> subresource(String name) {
        return new WriteScope<>(store, namespace, name, user, manager, recorder);
    }

    /** The managedFields manager of a write with these options' {@code fieldManager} (or this scope's). */
    public String manager(String fieldManager) {
        return fieldManager == null || fieldManager.isEmpty() ? manager : fieldManager;
    }
}
