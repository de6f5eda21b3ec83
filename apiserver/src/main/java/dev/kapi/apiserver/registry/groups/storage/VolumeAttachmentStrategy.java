package dev.kapi.apiserver.registry.groups.storage;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.validation.NameValidation;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachment;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachmentSource;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachmentSpec;
import io.fabric8.kubernetes.api.model.storage.VolumeError;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * storage.k8s.io/v1 volumeattachments (cluster-scoped, with {@code status}): an attacher named as a CSI
 * driver, a nodeName, exactly one source (a PersistentVolume's name or an inline volume spec), the spec fixed
 * after create; status written only through {@code status}, its attach and detach errors with a message.
 */
public final class VolumeAttachmentStrategy implements ResourceStrategy<VolumeAttachment> {

    /** kube's storage for this resource sets {@code ReturnDeletedObject}: a delete answers with the object. */
    @Override
    public boolean returnsDeletedObject() {
        return true;
    }

    @Override
    public void applyDefaults(VolumeAttachment va) {
        if (va.getSpec() == null) {
            va.setSpec(new VolumeAttachmentSpec());
        }
        if (va.getSpec().getSource() == null) {
            va.getSpec().setSource(new VolumeAttachmentSource());
        }
    }

    @Override
    public List<FieldError> validate(VolumeAttachment va) {
        List<FieldError> errs = new ArrayList<>();
        VolumeAttachmentSpec s = va.getSpec();
        CsiDriverNames.check(s.getAttacher(), "spec.attacher", errs);
        String node = Objects.toString(s.getNodeName(), "");
        if (node.isEmpty()) {
            errs.add(FieldError.required("spec.nodeName", "node name is required"));
        }
        VolumeAttachmentSource src = s.getSource();
        boolean pv = src.getPersistentVolumeName() != null;
        boolean inline = src.getInlineVolumeSpec() != null;
        if (pv == inline) {
            errs.add(FieldError.required("spec.source", "must specify exactly one of inlineVolumeSpec and persistentVolumeName"));
        } else if (pv) {
            if (src.getPersistentVolumeName().isEmpty()) {
                errs.add(FieldError.required("spec.source.persistentVolumeName", "must specify non empty persistentVolumeName"));
            } else {
                for (String msg : NameValidation.dns1123Subdomain(src.getPersistentVolumeName())) {
                    errs.add(FieldError.invalid("spec.source.persistentVolumeName", src.getPersistentVolumeName(), msg));
                }
            }
        }
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(VolumeAttachment va, VolumeAttachment old) {
        List<FieldError> errs = validate(va);
        if (!Json.sameJson(va.getSpec(), old.getSpec())) {
            errs.add(FieldError.invalid("spec", "<spec>", "field is immutable"));
        }
        return errs;
    }

    @Override
    public List<FieldError> validateStatusUpdate(VolumeAttachment va, VolumeAttachment old) {
        List<FieldError> errs = new ArrayList<>();
        if (va.getStatus() != null) {
            errorMessage(va.getStatus().getAttachError(), "status.attachError", errs);
            errorMessage(va.getStatus().getDetachError(), "status.detachError", errs);
        }
        return errs;
    }

    /** kube limits a VolumeError's message to 1 KiB. */
    private static void errorMessage(VolumeError e, String path, List<FieldError> errs) {
        if (e != null && e.getMessage() != null && e.getMessage().length() > 1024) {
            errs.add(FieldError.tooLong(path + ".message", e.getMessage(), 1024));
        }
    }

    @Override
    public List<TableColumn<VolumeAttachment>> tableColumns() {
        return List.of(
                TableColumn.nameColumn(),
                TableColumn.of("Attacher", "string",
                        "attacher indicates the name of the volume driver that MUST handle this request.",
                        va -> Objects.toString(va.getSpec().getAttacher(), "")),
                TableColumn.of("PV", "string",
                        "persistentVolumeName represents the name of the persistent volume to attach.",
                        va -> va.getSpec().getSource() == null ? ""
                                : Objects.toString(va.getSpec().getSource().getPersistentVolumeName(), "")),
                TableColumn.of("Node", "string", "nodeName represents the node that the volume should be attached to.",
                        va -> Objects.toString(va.getSpec().getNodeName(), "")),
                TableColumn.of("Attached", "boolean",
                        "attached indicates the volume is successfully attached.",
                        va -> va.getStatus() != null && Boolean.TRUE.equals(va.getStatus().getAttached())),
                TableColumn.ageColumn());
    }
}
