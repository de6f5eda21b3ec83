package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.GoQuote;
import dev.kapi.apiserver.api.QuantityValues;
import dev.kapi.apiserver.registry.validation.GoValues;
import dev.kapi.apiserver.registry.validation.NameValidation;
import dev.kapi.apiserver.registry.validation.PrintedQuantities;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeSpec;
import io.fabric8.kubernetes.api.model.Quantity;

import java.math.BigDecimal;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The cheap part of kube's {@code ValidatePersistentVolumeSpec}: access modes (required, supported,
 * ReadWriteOncePod alone), capacity (required, storage only, positive), reclaim policy, exactly one volume source
 * (with the required fields of hostPath, nfs, local and csi, and node affinity for local), no Recycle of a
 * hostPath "/", storage class name and volume mode.
 */
final class PersistentVolumeValidation {

    static final List<String> RECLAIM_POLICIES = List.of("Delete", "Recycle", "Retain");
    static final List<String> VOLUME_MODES = List.of("Block", "Filesystem");

    /** The volume sources in kube's order, by the field name its "more than 1" error names. */
    private static final Map<String, Function<PersistentVolumeSpec, Object>> SOURCES = new LinkedHashMap<>();

    static {
        SOURCES.put("hostPath", PersistentVolumeSpec::getHostPath);
        SOURCES.put("gcePersistentDisk", PersistentVolumeSpec::getGcePersistentDisk);
        SOURCES.put("awsElasticBlockStore", PersistentVolumeSpec::getAwsElasticBlockStore);
        SOURCES.put("glusterfs", PersistentVolumeSpec::getGlusterfs);
        SOURCES.put("flocker", PersistentVolumeSpec::getFlocker);
        SOURCES.put("nfs", PersistentVolumeSpec::getNfs);
        SOURCES.put("rbd", PersistentVolumeSpec::getRbd);
        SOURCES.put("quobyte", PersistentVolumeSpec::getQuobyte);
        SOURCES.put("cephFS", PersistentVolumeSpec::getCephfs);
        SOURCES.put("iscsi", PersistentVolumeSpec::getIscsi);
        SOURCES.put("cinder", PersistentVolumeSpec::getCinder);
        SOURCES.put("fc", PersistentVolumeSpec::getFc);
        SOURCES.put("flexVolume", PersistentVolumeSpec::getFlexVolume);
        SOURCES.put("azureFile", PersistentVolumeSpec::getAzureFile);
        SOURCES.put("vsphereVolume", PersistentVolumeSpec::getVsphereVolume);
        SOURCES.put("photonPersistentDisk", PersistentVolumeSpec::getPhotonPersistentDisk);
        SOURCES.put("portworxVolume", PersistentVolumeSpec::getPortworxVolume);
        SOURCES.put("azureDisk", PersistentVolumeSpec::getAzureDisk);
        SOURCES.put("scaleIO", PersistentVolumeSpec::getScaleIO);
        SOURCES.put("local", PersistentVolumeSpec::getLocal);
        SOURCES.put("storageos", PersistentVolumeSpec::getStorageos);
        SOURCES.put("csi", PersistentVolumeSpec::getCsi);
    }

    private PersistentVolumeValidation() {
    }

    static List<FieldError> validate(PersistentVolume pv) {
        List<FieldError> errs = new ArrayList<>();
        PersistentVolumeSpec spec = pv.getSpec() == null ? new PersistentVolumeSpec() : pv.getSpec();
        accessModes(spec.getAccessModes(), errs);
        capacity(spec.getCapacity(), errs);
        String policy = spec.getPersistentVolumeReclaimPolicy();
        if (policy != null && !policy.isEmpty() && !RECLAIM_POLICIES.contains(policy)) {
            errs.add(FieldError.notSupported("spec.persistentVolumeReclaimPolicy", policy, RECLAIM_POLICIES));
        }
        sources(spec, errs);
        if (spec.getHostPath() != null && "/".equals(clean(spec.getHostPath().getPath())) && "Recycle".equals(policy)) {
            errs.add(FieldError.forbidden("spec.persistentVolumeReclaimPolicy", "may not be 'recycle' for a hostPath mount of '/'"));
        }
        String cls = spec.getStorageClassName();
        if (cls != null && !cls.isEmpty()) {
            NameValidation.dns1123Subdomain(cls).forEach(m -> errs.add(FieldError.invalid("spec.storageClassName", cls, m)));
        }
        String mode = spec.getVolumeMode();
        if (mode != null && !VOLUME_MODES.contains(mode)) {
            errs.add(FieldError.notSupported("spec.volumeMode", mode, VOLUME_MODES));
        }
        return errs;
    }

    private static void accessModes(List<String> modes, List<FieldError> errs) {
        if (modes == null || modes.isEmpty()) {
            errs.add(FieldError.required("spec.accessModes", ""));
            return;
        }
        boolean oncePod = false;
        boolean other = false;
        for (String m : modes) {
            if (!PersistentVolumeClaimStrategy.ACCESS_MODES.contains(m)) {
                errs.add(FieldError.notSupported("spec.accessModes", m, PersistentVolumeClaimStrategy.ACCESS_MODES));
            } else if ("ReadWriteOncePod".equals(m)) {
                oncePod = true;
            } else {
                other = true;
            }
        }
        if (oncePod && other) {
            errs.add(FieldError.forbidden("spec.accessModes", "may not use ReadWriteOncePod with other access modes"));
        }
    }

    private static void capacity(Map<String, Quantity> capacity, List<FieldError> errs) {
        Map<String, Quantity> cap = capacity == null ? Map.of() : new TreeMap<>(capacity);
        if (cap.isEmpty()) {
            errs.add(FieldError.required("spec.capacity", ""));
        }
        if (!cap.containsKey("storage") || cap.size() > 1) {
            errs.add(FieldError.notSupported("spec.capacity", resourceList(cap), List.of("storage")));
        }
        for (Map.Entry<String, Quantity> e : cap.entrySet()) {
            String path = "spec.capacity[" + e.getKey() + "]";
            BigDecimal v = PrintedQuantities.amount(e.getValue());
            if (v == null) {
                continue;
            }
            long whole = QuantityValues.ceilToLong(v);
            if (whole < 0) {
                errs.add(FieldError.invalid(path, whole, "must be a valid resource quantity"));
            }
            if (v.signum() <= 0) {
                errs.add(FieldError.invalid(path, PrintedQuantities.canonical(e.getValue()), "must be greater than zero"));
            }
        }
    }

    private static void sources(PersistentVolumeSpec spec, List<FieldError> errs) {
        int count = 0;
        for (Map.Entry<String, Function<PersistentVolumeSpec, Object>> s : SOURCES.entrySet()) {
            if (s.getValue().apply(spec) == null) {
                continue;
            }
            if (count > 0 && !"flexVolume".equals(s.getKey())) {
                errs.add(FieldError.forbidden("spec." + s.getKey(), "may not specify more than 1 volume type"));
                continue;
            }
            count++;
            sourceFields(spec, s.getKey(), errs);
        }
        if (count == 0) {
            errs.add(FieldError.required("spec", "must specify a volume type"));
        }
    }

    private static void sourceFields(PersistentVolumeSpec spec, String source, List<FieldError> errs) {
        switch (source) {
            case "hostPath" -> required(spec.getHostPath().getPath(), "spec.hostPath.path", errs);
            case "nfs" -> {
                required(spec.getNfs().getServer(), "spec.nfs.server", errs);
                String path = spec.getNfs().getPath();
                required(path, "spec.nfs.path", errs);
                if (path == null || !path.startsWith("/")) {
                    errs.add(FieldError.invalid("spec.nfs.path", path == null ? "" : path, "must be an absolute path"));
                }
            }
            case "local" -> {
                required(spec.getLocal().getPath(), "spec.local.path", errs);
                if (spec.getNodeAffinity() == null || spec.getNodeAffinity().getRequired() == null) {
                    errs.add(FieldError.required("spec.nodeAffinity", "Local volume requires node affinity"));
                }
            }
            case "csi" -> {
                required(spec.getCsi().getDriver(), "spec.csi.driver", errs);
                required(spec.getCsi().getVolumeHandle(), "spec.csi.volumeHandle", errs);
            }
            default -> {
            }
        }
    }

    private static void required(String value, String path, List<FieldError> errs) {
        if (value == null || value.isEmpty()) {
            errs.add(FieldError.required(path, ""));
        }
    }

    private static String clean(String path) {
        return path == null || path.isEmpty() ? "." : Paths.get(path).normalize().toString();
    }

    /**
     * The capacity as a Go {@code core.ResourceList}; quantities print as their canonical text (kube prints the
     * {@code resource.Quantity} struct there).
     */
    private static GoValues.Printed resourceList(Map<String, Quantity> cap) {
        if (cap.isEmpty()) {
            return new GoValues.Printed("core.ResourceList(nil)");
        }
        List<String> items = new ArrayList<>();
        cap.forEach((k, v) -> items.add(GoQuote.quote(k) + ":" + GoQuote.quote(PrintedQuantities.canonical(v))));
        return new GoValues.Printed("core.ResourceList{" + String.join(", ", items) + "}");
    }
}
