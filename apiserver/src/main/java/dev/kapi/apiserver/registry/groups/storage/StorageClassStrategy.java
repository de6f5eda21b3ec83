package dev.kapi.apiserver.registry.groups.storage;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.groups.FieldChecks;
import io.fabric8.kubernetes.api.model.storage.StorageClass;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * storage.k8s.io/v1 storageclasses: reclaimPolicy Delete and volumeBindingMode Immediate by default;
 * provisioner required; provisioner, parameters, reclaimPolicy and volumeBindingMode fixed after create.
 */
public final class StorageClassStrategy implements ResourceStrategy<StorageClass> {

    private static final String DEFAULT_ANNOTATION = "storageclass.kubernetes.io/is-default-class";
    private static final String BETA_DEFAULT_ANNOTATION = "storageclass.beta.kubernetes.io/is-default-class";

    /** kube's storage for this resource sets {@code ReturnDeletedObject}: a delete answers with the object. */
    @Override
    public boolean returnsDeletedObject() {
        return true;
    }

    @Override
    public void applyDefaults(StorageClass sc) {
        if (sc.getReclaimPolicy() == null || sc.getReclaimPolicy().isEmpty()) {
            sc.setReclaimPolicy("Delete");
        }
        if (sc.getVolumeBindingMode() == null || sc.getVolumeBindingMode().isEmpty()) {
            sc.setVolumeBindingMode("Immediate");
        }
    }

    @Override
    public List<FieldError> validate(StorageClass sc) {
        List<FieldError> errs = new ArrayList<>();
        String provisioner = sc.getProvisioner();
        if (provisioner == null || provisioner.isEmpty()) {
            errs.add(FieldError.required("provisioner", ""));
        } else if (provisioner.length() > 63) {
            errs.add(FieldError.tooLong("provisioner", provisioner, 63));
        } else if (!provisioner.toLowerCase(Locale.ROOT).matches("([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[a-z0-9]([-a-z0-9_.]*[a-z0-9])?")) {
            errs.add(FieldError.invalid("provisioner", provisioner, "name part must consist of alphanumeric "
                    + "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
                    + "'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                    + "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"));
        }
        FieldChecks.oneOf(sc.getReclaimPolicy(), List.of("Delete", "Retain"), "reclaimPolicy", errs);
        FieldChecks.oneOf(sc.getVolumeBindingMode(), List.of("Immediate", "WaitForFirstConsumer"),
                "volumeBindingMode", errs);
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(StorageClass sc, StorageClass old) {
        List<FieldError> errs = validate(sc);
        if (!Objects.equals(nonNull(sc.getParameters()), nonNull(old.getParameters()))) {
            errs.add(FieldError.forbidden("parameters", "updates to parameters are forbidden."));
        }
        if (!Objects.equals(sc.getProvisioner(), old.getProvisioner())) {
            errs.add(FieldError.forbidden("provisioner", "updates to provisioner are forbidden."));
        }
        if (!Objects.equals(sc.getReclaimPolicy(), old.getReclaimPolicy())) {
            errs.add(FieldError.forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden."));
        }
        FieldChecks.immutable(sc.getVolumeBindingMode(), old.getVolumeBindingMode(), sc.getVolumeBindingMode(),
                "volumeBindingMode", errs);
        return errs;
    }

    private static Map<String, String> nonNull(Map<String, String> m) {
        return m == null ? Map.of() : m;
    }

    @Override
    public List<TableColumn<StorageClass>> tableColumns() {
        return List.of(
                new TableColumn<>("Name", "string", "name", "Name must be unique within a namespace.", 0,
                        StorageClassStrategy::name),
                TableColumn.of("Provisioner", "string", "provisioner indicates the type of the provisioner.",
                        sc -> Objects.toString(sc.getProvisioner(), "")),
                TableColumn.of("ReclaimPolicy", "string",
                        "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.",
                        sc -> sc.getReclaimPolicy() == null ? "Delete" : sc.getReclaimPolicy()),
                TableColumn.of("VolumeBindingMode", "string",
                        "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature.",
                        sc -> sc.getVolumeBindingMode() == null ? "Immediate" : sc.getVolumeBindingMode()),
                TableColumn.of("AllowVolumeExpansion", "string",
                        "allowVolumeExpansion shows whether the storage class allow volume expand.",
                        sc -> Boolean.TRUE.equals(sc.getAllowVolumeExpansion())),
                TableColumn.ageColumn());
    }

    /** The name, with " (default)" for the cluster's default class (as kubectl shows it). */
    static String name(StorageClass sc) {
        Map<String, String> ann = sc.getMetadata().getAnnotations();
        boolean isDefault = ann != null && ("true".equals(ann.get(DEFAULT_ANNOTATION))
                || "true".equals(ann.get(BETA_DEFAULT_ANNOTATION)));
        return sc.getMetadata().getName() + (isDefault ? " (default)" : "");
    }
}
