package dev.kapi.apiserver.registry.groups.autoscaling;

import dev.kapi.apiserver.registry.ConvertedStorageForm;
import dev.kapi.apiserver.registry.ConvertedStrategy;
import dev.kapi.apiserver.registry.ResourceDefinition;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;

import java.util.List;
import java.util.Map;

/**
 * autoscaling: HorizontalPodAutoscalers at v2 (preferred, stored) and v1, both over
 * {@code /registry/horizontalpodautoscalers}, as kube-apiserver serves them.
 */
public final class AutoscalingResources {

    static final String GROUP = "autoscaling";
    private static final String RESOURCE = "horizontalpodautoscalers";

    private AutoscalingResources() {
    }

    public static List<ResourceDefinition<?>> all() {
        HorizontalPodAutoscalerStrategy v2 = new HorizontalPodAutoscalerStrategy();
        return List.of(
                ResourceDefinition.builder(GROUP, "v2", RESOURCE, "HorizontalPodAutoscaler", HorizontalPodAutoscaler.class)
                        .shortNames("hpa").categories("all").subresources("status").strategy(v2).build(),
                ResourceDefinition.builder(GROUP, "v1", RESOURCE, "HorizontalPodAutoscaler",
                                io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscaler.class)
                        .shortNames("hpa").categories("all").subresources("status")
                        .strategy(new ConvertedStrategy<>(v2, HpaConversion::toV2, AutoscalingResources::defaultV1, Map.of()))
                        .storageForm(new ConvertedStorageForm<>(HorizontalPodAutoscaler.class, HpaConversion::toV2,
                                HpaConversion::toV1))
                        .build());
    }

    /** autoscaling/v1's only default: {@code minReplicas} 1. */
    private static void defaultV1(io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscaler hpa) {
        if (hpa.getSpec() == null) {
            hpa.setSpec(new io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscalerSpec());
        }
        if (hpa.getSpec().getMinReplicas() == null) {
            hpa.getSpec().setMinReplicas(1);
        }
    }
}
