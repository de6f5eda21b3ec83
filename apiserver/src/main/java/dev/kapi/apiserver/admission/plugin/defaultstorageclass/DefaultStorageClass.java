package dev.kapi.apiserver.admission.plugin.defaultstorageclass;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.admission.MutatingAdmission;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.storage.StorageClass;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * kube's DefaultStorageClass: a PersistentVolumeClaim created without a class (no
 * {@code spec.storageClassName}, not even "", and no {@code volume.beta.kubernetes.io/storage-class}
 * annotation) gets the default StorageClass, the one annotated {@code storageclass.kubernetes.io/is-default-class:
 * "true"} (or the beta annotation); of several, the newest, then the first by name. Without a default the claim
 * is left alone. Only creates of the claim itself.
 */
public final class DefaultStorageClass implements MutatingAdmission {

    public static final String NAME = "DefaultStorageClass";
    static final String IS_DEFAULT = "storageclass.kubernetes.io/is-default-class";
    static final String BETA_IS_DEFAULT = "storageclass.beta.kubernetes.io/is-default-class";
    static final String BETA_CLASS = "volume.beta.kubernetes.io/storage-class";

    /** Every StorageClass (a recent view may be used; the objects must not be changed). */
    @FunctionalInterface
    public interface StorageClasses {
        List<StorageClass> list();
    }

    private final StorageClasses classes;

    public DefaultStorageClass(StorageClasses classes) {
        this.classes = classes;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public HasMetadata admit(AdmissionAttributes a) {
        if (a.operation() != Operation.CREATE || !a.group().isEmpty()
                || !a.resource().resource().equals("persistentvolumeclaims") || !a.mainResource()
                || !(a.object() instanceof PersistentVolumeClaim pvc) || hasClass(pvc)) {
            return a.object();
        }
        classes.list().stream().filter(DefaultStorageClass::isDefault)
                .min(Comparator.comparing(DefaultStorageClass::created, Comparator.reverseOrder())
                        .thenComparing(c -> c.getMetadata().getName()))
                .ifPresent(def -> {
                    if (pvc.getSpec() == null) {
                        pvc.setSpec(new PersistentVolumeClaimSpec());
                    }
                    pvc.getSpec().setStorageClassName(def.getMetadata().getName());
                });
        return pvc;
    }

    /** kube's {@code PersistentVolumeClaimHasClass}: "" is a class too (the claim asks for none). */
    private static boolean hasClass(PersistentVolumeClaim pvc) {
        Map<String, String> annotations = pvc.getMetadata() == null ? null : pvc.getMetadata().getAnnotations();
        return annotations != null && annotations.containsKey(BETA_CLASS)
                || pvc.getSpec() != null && pvc.getSpec().getStorageClassName() != null;
    }

    private static boolean isDefault(StorageClass c) {
        Map<String, String> annotations = c.getMetadata().getAnnotations();
        return annotations != null
                && ("true".equals(annotations.get(IS_DEFAULT)) || "true".equals(annotations.get(BETA_IS_DEFAULT)));
    }

    private static Instant created(StorageClass c) {
        String at = c.getMetadata().getCreationTimestamp();
        try {
            return at == null ? Instant.EPOCH : Instant.parse(at);
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }
}
