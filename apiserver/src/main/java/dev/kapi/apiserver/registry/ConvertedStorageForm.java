package dev.kapi.apiserver.registry;

import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.function.Function;

/**
 * A built-in version served over the storage of another version or group, as kube-apiserver serves
 * autoscaling/v1 HorizontalPodAutoscalers from the autoscaling/v2 objects in {@code /registry/horizontalpodautoscalers}
 * and events.k8s.io/v1 Events from the core v1 Events in {@code /registry/events}: the definition of the served
 * version carries this form, the definition of the stored version is stored as served, and both use the same
 * resource name (so the same keys, the same watches and the same RBAC resource).
 *
 * <p>The two conversions must be each other's inverse for what the served version can say, must leave their
 * argument unchanged (build a new object) and keep {@code metadata} (resourceVersion included) as it is.
 *
 * <pre>{@code
 * StorageForm<v1.HorizontalPodAutoscaler> v1 = new ConvertedStorageForm<>(v2.HorizontalPodAutoscaler.class,
 *         HpaConversion::toV2, HpaConversion::toV1);
 * ResourceDefinition.builder("autoscaling", "v1", "horizontalpodautoscalers", ...).storageForm(v1)
 * }</pre>
 *
 * @param <T> the served class
 * @param <S> the stored class
 */
public final class ConvertedStorageForm<T extends HasMetadata, S extends HasMetadata> implements StorageForm<T> {

    private final Class<S> storedType;
    private final Function<T, S> toStorage;
    private final Function<S, T> fromStorage;

    public ConvertedStorageForm(Class<S> storedType, Function<T, S> toStorage, Function<S, T> fromStorage) {
        this.storedType = storedType;
        this.toStorage = toStorage;
        this.fromStorage = fromStorage;
    }

    @Override
    public Class<S> storedType() {
        return storedType;
    }

    @Override
    public S toStorage(T obj) {
        return toStorage.apply(obj);
    }

    @Override
    public T fromStorage(HasMetadata stored) {
        return fromStorage.apply(storedType.cast(stored));
    }
}
