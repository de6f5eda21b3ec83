package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * PersistentVolumeClaims: volumeMode Filesystem, phase Pending on create, access modes and a storage request
 * required, and the {@code kubectl get pvc} columns.
 */
public final class PersistentVolumeClaimStrategy implements ResourceStrategy<PersistentVolumeClaim> {

    static final List<String> ACCESS_MODES = List.of("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod");

    /** kube's storage for this resource sets {@code ReturnDeletedObject}: a delete answers with the object. */
    @Override
    public boolean returnsDeletedObject() {
        return true;
    }

    @Override
    public void applyDefaults(PersistentVolumeClaim pvc) {
        if (pvc.getSpec() != null && (pvc.getSpec().getVolumeMode() == null || pvc.getSpec().getVolumeMode().isEmpty())) {
            pvc.getSpec().setVolumeMode("Filesystem");
        }
    }

    @Override
    public void prepareForCreate(PersistentVolumeClaim pvc) {
        PersistentVolumeClaimStatus status = pvc.getStatus() == null ? new PersistentVolumeClaimStatus() : pvc.getStatus();
        status.setPhase("Pending");
        pvc.setStatus(status);
    }

    @Override
    public List<FieldError> validate(PersistentVolumeClaim pvc) {
        List<FieldError> errs = new ArrayList<>();
        if (pvc.getSpec() == null) {
            errs.add(FieldError.required("spec.accessModes", "at least 1 access mode is required"));
            errs.add(FieldError.required("spec.resources[storage]", ""));
            return errs;
        }
        List<String> modes = pvc.getSpec().getAccessModes();
        if (modes == null || modes.isEmpty()) {
            errs.add(FieldError.required("spec.accessModes", "at least 1 access mode is required"));
        } else {
            for (String m : modes) {
                if (!ACCESS_MODES.contains(m)) {
                    errs.add(FieldError.notSupported("spec.accessModes", m, ACCESS_MODES));
                }
            }
        }
        var resources = pvc.getSpec().getResources();
        if (resources == null || resources.getRequests() == null || !resources.getRequests().containsKey("storage")) {
            errs.add(FieldError.required("spec.resources[storage]", ""));
        }
        return errs;
    }

    @Override
    public Map<String, String> selectableFields(PersistentVolumeClaim pvc) {
        return Map.of("name", pvc.getMetadata().getName() == null ? "" : pvc.getMetadata().getName());
    }

    @Override
    public List<TableColumn<PersistentVolumeClaim>> tableColumns() {
        return List.of(TableColumn.nameColumn(),
                TableColumn.of("Status", "string", "phase represents the current phase of PersistentVolumeClaim.",
                        c -> c.getStatus() == null || c.getStatus().getPhase() == null ? "" : c.getStatus().getPhase()),
                TableColumn.of("Volume", "string", "volumeName is the binding reference to the PersistentVolume "
                        + "backing this claim.", c -> c.getSpec() == null || c.getSpec().getVolumeName() == null ? "" : c.getSpec().getVolumeName()),
                TableColumn.of("Capacity", "string", "capacity represents the actual resources of the underlying volume.",
                        PersistentVolumeClaimStrategy::capacity),
                TableColumn.of("Access Modes", "string", "accessModes contains the actual access modes the volume "
                        + "backing the PVC has.", c -> c.getStatus() == null ? "" : Volumes.accessModes(c.getStatus().getAccessModes())),
                TableColumn.of("StorageClass", "string", "StorageClass of the pvc", c -> Volumes.storageClass(
                        c.getMetadata(), c.getSpec() == null ? null : c.getSpec().getStorageClassName())),
                TableColumn.of("VolumeAttributesClass", "string", "VolumeAttributesClass of the pvc",
                        c -> c.getSpec() == null || c.getSpec().getVolumeAttributesClassName() == null
                                ? "<unset>" : c.getSpec().getVolumeAttributesClassName()),
                TableColumn.ageColumn(),
                TableColumn.wide("VolumeMode", "string", "volumeMode defines what type of volume is required by the "
                        + "claim.", c -> c.getSpec() == null || c.getSpec().getVolumeMode() == null ? "<unset>" : c.getSpec().getVolumeMode()));
    }

    private static String capacity(PersistentVolumeClaim c) {
        if (c.getSpec() == null || c.getSpec().getVolumeName() == null || c.getSpec().getVolumeName().isEmpty()
                || c.getStatus() == null || c.getStatus().getCapacity() == null || !c.getStatus().getCapacity().containsKey("storage")) {
            return "";
        }
        return c.getStatus().getCapacity().get("storage").toString();
    }
}
