package dev.kapi.apiserver.admission.plugin.resourcequota;

import dev.kapi.apiserver.admission.plugin.Amount;
import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.api.GroupResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ScopedResourceSelectorRequirement;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * kube's PersistentVolumeClaim evaluator: a claim uses 1 of {@code persistentvolumeclaims} and
 * {@code count/persistentvolumeclaims} and its storage request (rounded up to whole bytes; the allocated size
 * when larger) of {@code requests.storage}, each also under its storage class
 * ({@code <class>.storageclass.storage.k8s.io/<name>}). Creates and updates (a resize) are charged; the
 * {@code VolumeAttributesClass} scope matches the classes a claim names.
 */
final class PersistentVolumeClaimEvaluator implements Evaluator {

    static final GroupResource CLAIMS = new GroupResource("", "persistentvolumeclaims");
    private static final String CLASS_SUFFIX = ".storageclass.storage.k8s.io/";
    private static final List<String> NAMES = List.of("persistentvolumeclaims", "requests.storage");
    private static final String BETA_CLASS = "volume.beta.kubernetes.io/storage-class";

    @Override
    public GroupResource groupResource() {
        return CLAIMS;
    }

    @Override
    public boolean handles(AdmissionAttributes a) {
        return a.operation() == Operation.CREATE || a.operation() == Operation.UPDATE;
    }

    @Override
    public List<String> matchingResources(Collection<String> input) {
        return input.stream().filter(n -> n.equals("count/persistentvolumeclaims") || NAMES.contains(n)
                || NAMES.stream().anyMatch(r -> n.endsWith(CLASS_SUFFIX + r))).toList();
    }

    @Override
    public boolean matchesScope(ScopedResourceSelectorRequirement scope, HasMetadata obj) {
        if (!"VolumeAttributesClass".equals(scope.getScopeName()) || !(obj instanceof PersistentVolumeClaim pvc)) {
            return false;
        }
        Set<String> classes = attributesClasses(pvc);
        if ("Exists".equals(scope.getOperator())) {
            return !classes.isEmpty();
        }
        if (classes.isEmpty()) {
            return QuotaScopes.selects(scope, Map.of());
        }
        return classes.stream().anyMatch(c -> QuotaScopes.selects(scope, Map.of("VolumeAttributesClass", c)));
    }

    @Override
    public List<ScopedResourceSelectorRequirement> uncoveredScopes(List<ScopedResourceSelectorRequirement> limited,
                                                                   List<ScopedResourceSelectorRequirement> matched) {
        return QuotaScopes.uncoveredByName(limited, matched);
    }

    @Override
    public Map<String, Amount> usage(HasMetadata obj) {
        PersistentVolumeClaim pvc = obj instanceof PersistentVolumeClaim p ? p : new PersistentVolumeClaim();
        Map<String, Amount> out = new TreeMap<>();
        out.put("persistentvolumeclaims", Amount.ONE);
        out.put("count/persistentvolumeclaims", Amount.ONE);
        String storageClass = storageClass(pvc);
        if (!storageClass.isEmpty()) {
            out.put(storageClass + CLASS_SUFFIX + "persistentvolumeclaims", Amount.ONE);
        }
        Amount storage = storage(pvc);
        if (storage != null) {
            out.put("requests.storage", storage);
            if (!storageClass.isEmpty()) {
                out.put(storageClass + CLASS_SUFFIX + "requests.storage", storage);
            }
        }
        return out;
    }

    /** kube's {@code GetPersistentVolumeClaimClass}: the beta annotation, else spec.storageClassName. */
    private static String storageClass(PersistentVolumeClaim pvc) {
        Map<String, String> annotations = pvc.getMetadata() == null ? null : pvc.getMetadata().getAnnotations();
        if (annotations != null && annotations.containsKey(BETA_CLASS)) {
            return annotations.get(BETA_CLASS);
        }
        return pvc.getSpec() == null || pvc.getSpec().getStorageClassName() == null ? ""
                : pvc.getSpec().getStorageClassName();
    }

    /** The requested storage rounded up, or the allocated storage when a request is set and that is larger. */
    private static Amount storage(PersistentVolumeClaim pvc) {
        PersistentVolumeClaimSpec spec = pvc.getSpec();
        Map<String, Quantity> requests = spec == null || spec.getResources() == null ? null
                : spec.getResources().getRequests();
        Amount requested = requests == null ? null : Amount.of(requests.get("storage"));
        if (requested == null) {
            return null;
        }
        requested = requested.roundedUp();
        PersistentVolumeClaimStatus status = pvc.getStatus();
        Map<String, Quantity> allocated = status == null ? null : status.getAllocatedResources();
        Amount a = allocated == null ? null : Amount.of(allocated.get("storage"));
        return a != null && a.compareTo(requested) > 0 ? a.roundedUp() : requested;
    }

    private static Set<String> attributesClasses(PersistentVolumeClaim pvc) {
        Set<String> out = new TreeSet<>();
        if (pvc.getSpec() != null) {
            addIfSet(out, pvc.getSpec().getVolumeAttributesClassName());
        }
        if (pvc.getStatus() != null) {
            addIfSet(out, pvc.getStatus().getCurrentVolumeAttributesClassName());
            if (pvc.getStatus().getModifyVolumeStatus() != null) {
                addIfSet(out, pvc.getStatus().getModifyVolumeStatus().getTargetVolumeAttributesClassName());
            }
        }
        return out;
    }

    private static void addIfSet(Set<String> out, String value) {
        if (value != null && !value.isEmpty()) {
            out.add(value);
        }
    }
}
