package dev.kapi.apiserver.registry.core;

import io.fabric8.kubernetes.api.model.ObjectMeta;

import java.util.ArrayList;
import java.util.List;

/** Printing helpers shared by PersistentVolumes and PersistentVolumeClaims. */
final class Volumes {

    private Volumes() {
    }

    /** kube's {@code GetAccessModesAsString}: RWO,ROX,RWX,RWOP in that order. */
    static String accessModes(List<String> modes) {
        if (modes == null) {
            return "";
        }
        List<String> out = new ArrayList<>();
        if (modes.contains("ReadWriteOnce")) {
            out.add("RWO");
        }
        if (modes.contains("ReadOnlyMany")) {
            out.add("ROX");
        }
        if (modes.contains("ReadWriteMany")) {
            out.add("RWX");
        }
        if (modes.contains("ReadWriteOncePod")) {
            out.add("RWOP");
        }
        return String.join(",", out);
    }

    /** The storage class from the beta annotation or the field ("" when none). */
    static String storageClass(ObjectMeta meta, String field) {
        if (meta != null && meta.getAnnotations() != null
                && meta.getAnnotations().containsKey("volume.beta.kubernetes.io/storage-class")) {
            return meta.getAnnotations().get("volume.beta.kubernetes.io/storage-class");
        }
        return field == null ? "" : field;
    }
}
