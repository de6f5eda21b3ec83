package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeStatus;

import java.util.List;
import java.util.Map;

/**
 * PersistentVolumes: reclaim policy Retain, volumeMode Filesystem, phase Pending on create,
 * {@link PersistentVolumeValidation} (a volume source, capacity and access modes required, ...), and the
 * {@code kubectl get pv} columns.
 */
public final class PersistentVolumeStrategy implements ResourceStrategy<PersistentVolume> {

    /** kube's storage for this resource sets {@code ReturnDeletedObject}: a delete answers with the object. */
    @Override
    public boolean returnsDeletedObject() {
        return true;
    }

    @Override
    public void applyDefaults(PersistentVolume pv) {
        if (pv.getSpec() == null) {
            return;
        }
        if (pv.getSpec().getPersistentVolumeReclaimPolicy() == null || pv.getSpec().getPersistentVolumeReclaimPolicy().isEmpty()) {
            pv.getSpec().setPersistentVolumeReclaimPolicy("Retain");
        }
        if (pv.getSpec().getVolumeMode() == null || pv.getSpec().getVolumeMode().isEmpty()) {
            pv.getSpec().setVolumeMode("Filesystem");
        }
    }

    @Override
    public void prepareForCreate(PersistentVolume pv) {
        PersistentVolumeStatus status = pv.getStatus() == null ? new PersistentVolumeStatus() : pv.getStatus();
        status.setPhase("Pending");
        pv.setStatus(status);
    }

    @Override
    public List<FieldError> validate(PersistentVolume pv) {
        return PersistentVolumeValidation.validate(pv);
    }

    @Override
    public Map<String, String> selectableFields(PersistentVolume pv) {
        return Map.of("name", pv.getMetadata().getName() == null ? "" : pv.getMetadata().getName());
    }

    @Override
    public List<TableColumn<PersistentVolume>> tableColumns() {
        return List.of(TableColumn.nameColumn(),
                TableColumn.of("Capacity", "string", "capacity is the description of the persistent volume's "
                        + "resources and capacity.", v -> v.getSpec() == null || v.getSpec().getCapacity() == null
                        || !v.getSpec().getCapacity().containsKey("storage") ? "" : v.getSpec().getCapacity().get("storage").toString()),
                TableColumn.of("Access Modes", "string", "accessModes contains all ways the volume can be mounted.",
                        v -> v.getSpec() == null ? "" : Volumes.accessModes(v.getSpec().getAccessModes())),
                TableColumn.of("Reclaim Policy", "string", "persistentVolumeReclaimPolicy defines what happens to a "
                        + "persistent volume when released from its claim.",
                        v -> v.getSpec() == null ? "" : nz(v.getSpec().getPersistentVolumeReclaimPolicy())),
                TableColumn.of("Status", "string", "phase indicates if a volume is available, bound to a claim, or "
                        + "released by a claim.", v -> v.getStatus() == null ? "" : nz(v.getStatus().getPhase())),
                TableColumn.of("Claim", "string", "claimRef is part of a bi-directional binding between "
                        + "PersistentVolume and PersistentVolumeClaim.", v -> v.getSpec() == null || v.getSpec().getClaimRef() == null
                        ? "" : nz(v.getSpec().getClaimRef().getNamespace()) + "/" + nz(v.getSpec().getClaimRef().getName())),
                TableColumn.of("StorageClass", "string", "StorageClass of the pv", v -> Volumes.storageClass(
                        v.getMetadata(), v.getSpec() == null ? null : v.getSpec().getStorageClassName())),
                TableColumn.of("VolumeAttributesClass", "string", "VolumeAttributesClass of the pv",
                        v -> v.getSpec() == null || v.getSpec().getVolumeAttributesClassName() == null
                                ? "<unset>" : v.getSpec().getVolumeAttributesClassName()),
                TableColumn.of("Reason", "string", "reason is a brief CamelCase string that describes any failure "
                        + "and is meant for machine parsing and tidy display in the CLI.",
                        v -> v.getStatus() == null ? "" : nz(v.getStatus().getReason())),
                TableColumn.ageColumn(),
                TableColumn.wide("VolumeMode", "string", "volumeMode defines if a volume is intended to be used with "
                        + "a formatted filesystem or to remain in raw block state.",
                        v -> v.getSpec() == null || v.getSpec().getVolumeMode() == null ? "<unset>" : v.getSpec().getVolumeMode()));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
