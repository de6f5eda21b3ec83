package dev.kapi.apiserver.registry.apiextensions;

import dev.kapi.apiserver.registry.ScaleAccess;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code scale} subresource of a custom resource, as its CRD's {@code subresources.scale} declares it:
 * desired replicas at {@code specReplicasPath}, observed at {@code statusReplicasPath} (0 when absent) and the
 * selector string at {@code labelSelectorPath} ("" when none). Paths are simple ({@code .spec.replicas}).
 */
final class CustomScale implements ScaleAccess<GenericKubernetesResource> {

    private final List<String> spec;
    private final List<String> status;
    private final List<String> selector;

    CustomScale(String specReplicasPath, String statusReplicasPath, String labelSelectorPath) {
        this.spec = JsonPath.compile(specReplicasPath).fields();
        this.status = JsonPath.compile(statusReplicasPath).fields();
        this.selector = labelSelectorPath == null || labelSelectorPath.isEmpty() ? null
                : JsonPath.compile(labelSelectorPath).fields();
    }

    @Override
    public int specReplicas(GenericKubernetesResource obj) {
        return get(obj, spec) instanceof Number n ? n.intValue() : 0;
    }

    @Override
    public void setSpecReplicas(GenericKubernetesResource obj, int replicas) {
        Map<String, Object> at = obj.getAdditionalProperties();
        for (int i = 0; i < spec.size() - 1; i++) {
            Object next = at.get(spec.get(i));
            if (!(next instanceof Map<?, ?>)) {
                next = new LinkedHashMap<String, Object>();
                at.put(spec.get(i), next);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) next;
            at = m;
        }
        at.put(spec.get(spec.size() - 1), replicas);
    }

    @Override
    public int statusReplicas(GenericKubernetesResource obj) {
        return get(obj, status) instanceof Number n ? n.intValue() : 0;
    }

    @Override
    public String selector(GenericKubernetesResource obj) {
        return selector != null && get(obj, selector) instanceof String s ? s : "";
    }

    private static Object get(GenericKubernetesResource obj, List<String> path) {
        Object at = obj.getAdditionalProperties();
        for (String field : path) {
            if (!(at instanceof Map<?, ?> m)) {
                return null;
            }
            at = m.get(field);
        }
        return at;
    }
}
