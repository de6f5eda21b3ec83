package dev.kapi.apiserver.registry.groups.apps;

import dev.kapi.apiserver.registry.ScaleAccess;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;

import java.util.function.BiConsumer;
import java.util.function.Function;

/** {@link ScaleAccess} over a workload's {@code spec.replicas}, {@code status.replicas} and selector. */
final class ReplicasScale<T extends HasMetadata> implements ScaleAccess<T> {

    private final Function<T, Integer> specReplicas;
    private final BiConsumer<T, Integer> setSpecReplicas;
    private final Function<T, Integer> statusReplicas;
    private final Function<T, LabelSelector> selector;

    ReplicasScale(Function<T, Integer> specReplicas, BiConsumer<T, Integer> setSpecReplicas,
                  Function<T, Integer> statusReplicas, Function<T, LabelSelector> selector) {
        this.specReplicas = specReplicas;
        this.setSpecReplicas = setSpecReplicas;
        this.statusReplicas = statusReplicas;
        this.selector = selector;
    }

    @Override
    public int specReplicas(T obj) {
        Integer r = specReplicas.apply(obj);
        return r == null ? 0 : r;
    }

    @Override
    public void setSpecReplicas(T obj, int replicas) {
        setSpecReplicas.accept(obj, replicas);
    }

    @Override
    public int statusReplicas(T obj) {
        Integer r = statusReplicas.apply(obj);
        return r == null ? 0 : r;
    }

    @Override
    public String selector(T obj) {
        return dev.kapi.apiserver.api.selection.LabelSelector.fromObject(selector.apply(obj)).toString();
    }
}
