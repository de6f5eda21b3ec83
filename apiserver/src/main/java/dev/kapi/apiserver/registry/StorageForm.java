package dev.kapi.apiserver.registry;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * How a resource's objects are kept in storage when that is not simply "as served": the key's group folder
 * and the version objects are stored at. kube keeps most built-in resources at {@code /registry/<resource>/...}
 * in their one version; custom resources live at {@code /registry/<group>/<plural>/...} and every served
 * version of a CRD shares them, stored at the CRD's storage version and converted on the way in and out.
 * A built-in resource served at several versions or groups over one storage (autoscaling/v1 and v2
 * HorizontalPodAutoscalers, core and events.k8s.io Events) stores another class than some versions serve:
 * {@link #storedType()} names it and {@link ConvertedStorageForm} converts.
 *
 * <pre>{@code
 * HasMetadata stored = form.toStorage(obj); // at the storage version, obj itself untouched
 * T served = form.fromStorage(stored);      // at the served version (may be the same object)
 * }</pre>
 */
public interface StorageForm<T extends HasMetadata> {

    /** Built-in resources: keys without a group folder, stored as served. */
    @SuppressWarnings("rawtypes")
    StorageForm AS_SERVED = new StorageForm() {
        @Override
        public boolean servesStoredJson() {
            return true;
        }
    };

    @SuppressWarnings("unchecked")
    static <T extends HasMetadata> StorageForm<T> asServed() {
        return (StorageForm<T>) AS_SERVED;
    }

    /** Stored as served, under {@code <prefix>/<group>/<resource>/} (kube's layout for apiextensions and others). */
    static <T extends HasMetadata> StorageForm<T> inGroupFolder(String group) {
        return new StorageForm<>() {
            @Override
            public String keyGroup() {
                return group;
            }

            @Override
            public boolean servesStoredJson() {
                return true;
            }
        };
    }

    /** The folder between the key prefix and the resource ({@code example.com}), or "" for none. */
    default String keyGroup() {
        return "";
    }

    /**
     * Whether a stored value, once it carries its resourceVersion, is byte for byte what a read answers, so
     * that reads may serve it without decoding ({@link StoredJson}): true only when {@link #fromStorage} is the
     * identity on everything this form stores. False by default.
     */
    default boolean servesStoredJson() {
        return false;
    }

    /** The class stored objects are read as; null when it is the served type itself. */
    default Class<? extends HasMetadata> storedType() {
        return null;
    }

    /**
     * The object as stored, at the storage version. Must not change {@code obj}: the caller still answers
     * with it. Throws a {@link dev.kapi.apiserver.api.StatusError} when conversion fails.
     */
    default HasMetadata toStorage(T obj) {
        return obj;
    }

    /**
     * A stored object (of {@link #storedType()}, or of the served type when that is null) at the served
     * version; may change and return {@code stored} itself.
     */
    @SuppressWarnings("unchecked")
    default T fromStorage(HasMetadata stored) {
        return (T) stored;
    }
}
