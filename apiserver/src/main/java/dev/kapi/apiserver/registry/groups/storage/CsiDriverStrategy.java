package dev.kapi.apiserver.registry.groups.storage;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.groups.FieldChecks;
import io.fabric8.kubernetes.api.model.storage.CSIDriver;
import io.fabric8.kubernetes.api.model.storage.CSIDriverSpec;
import io.fabric8.kubernetes.api.model.storage.TokenRequest;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * storage.k8s.io/v1 csidrivers (cluster-scoped, named after the driver): kube's defaults (attachRequired true,
 * podInfoOnMount, requiresRepublish, storageCapacity and seLinuxMount false, fsGroupPolicy
 * ReadWriteOnceWithFSType, volumeLifecycleModes [Persistent]), its enums, token requests of at least ten
 * minutes with distinct audiences, and attachRequired and volumeLifecycleModes fixed after create.
 */
public final class CsiDriverStrategy implements ResourceStrategy<CSIDriver> {

    private static final List<String> FS_GROUP_POLICIES = List.of("File", "None", "ReadWriteOnceWithFSType");
    private static final List<String> LIFECYCLE_MODES = List.of("Ephemeral", "Persistent");
    private static final long MAX_TOKEN_SECONDS = 1L << 32;

    /** kube's storage for this resource sets {@code ReturnDeletedObject}: a delete answers with the object. */
    @Override
    public boolean returnsDeletedObject() {
        return true;
    }

    @Override
    public void applyDefaults(CSIDriver d) {
        CSIDriverSpec s = d.getSpec() == null ? new CSIDriverSpec() : d.getSpec();
        d.setSpec(s);
        if (s.getAttachRequired() == null) {
            s.setAttachRequired(true);
        }
        if (s.getPodInfoOnMount() == null) {
            s.setPodInfoOnMount(false);
        }
        if (s.getRequiresRepublish() == null) {
            s.setRequiresRepublish(false);
        }
        if (s.getStorageCapacity() == null) {
            s.setStorageCapacity(false);
        }
        if (s.getSeLinuxMount() == null) {
            s.setSeLinuxMount(false);
        }
        if (s.getFsGroupPolicy() == null || s.getFsGroupPolicy().isEmpty()) {
            s.setFsGroupPolicy("ReadWriteOnceWithFSType");
        }
        if (s.getVolumeLifecycleModes() == null || s.getVolumeLifecycleModes().isEmpty()) {
            s.setVolumeLifecycleModes(new ArrayList<>(List.of("Persistent")));
        }
    }

    @Override
    public List<String> validateName(String name) {
        return CsiDriverNames.nameMessages(name);
    }

    @Override
    public List<FieldError> validate(CSIDriver d) {
        List<FieldError> errs = new ArrayList<>();
        CSIDriverSpec s = d.getSpec();
        if (s.getAttachRequired() == null) {
            errs.add(FieldError.required("spec.attachedRequired", "must be specified"));
        }
        FieldChecks.oneOf(s.getFsGroupPolicy(), FS_GROUP_POLICIES, "spec.fsGroupPolicy", errs);
        List<String> modes = s.getVolumeLifecycleModes();
        for (int i = 0; i < modes.size(); i++) {
            FieldChecks.oneOf(modes.get(i), LIFECYCLE_MODES, "spec.volumeLifecycleModes[" + i + "]", errs);
        }
        List<TokenRequest> tokens = s.getTokenRequests() == null ? List.of() : s.getTokenRequests();
        Set<String> audiences = new HashSet<>();
        for (int i = 0; i < tokens.size(); i++) {
            TokenRequest t = tokens.get(i);
            String path = "spec.tokenRequests[" + i + "]";
            String audience = Objects.toString(t.getAudience(), "");
            if (!audiences.add(audience)) {
                errs.add(FieldError.duplicate(path + ".audience", audience));
            }
            Long seconds = t.getExpirationSeconds();
            if (seconds != null && seconds < 600) {
                errs.add(FieldError.invalid(path + ".expirationSeconds", seconds,
                        "may not specify a duration less than 10 minutes"));
            } else if (seconds != null && seconds > MAX_TOKEN_SECONDS) {
                errs.add(FieldError.invalid(path + ".expirationSeconds", seconds,
                        "may not specify a duration larger than 2^32 seconds"));
            }
        }
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(CSIDriver d, CSIDriver old) {
        List<FieldError> errs = validate(d);
        FieldChecks.immutable(d.getSpec().getAttachRequired(), old.getSpec().getAttachRequired(),
                d.getSpec().getAttachRequired(), "spec.attachRequired", errs);
        FieldChecks.immutable(d.getSpec().getVolumeLifecycleModes(), old.getSpec().getVolumeLifecycleModes(),
                d.getSpec().getVolumeLifecycleModes(), "spec.volumeLifecycleModes", errs);
        return errs;
    }

    @Override
    public List<TableColumn<CSIDriver>> tableColumns() {
        return List.of(
                TableColumn.nameColumn(),
                TableColumn.of("AttachRequired", "boolean",
                        "attachRequired indicates this CSI volume driver requires an attach operation.",
                        d -> Boolean.TRUE.equals(d.getSpec().getAttachRequired())),
                TableColumn.of("PodInfoOnMount", "boolean",
                        "podInfoOnMount indicates this CSI volume driver requires additional pod information during mount operations.",
                        d -> Boolean.TRUE.equals(d.getSpec().getPodInfoOnMount())),
                TableColumn.of("StorageCapacity", "boolean",
                        "storageCapacity indicates that the CSI volume driver wants pod scheduling to consider the storage capacity.",
                        d -> Boolean.TRUE.equals(d.getSpec().getStorageCapacity())),
                TableColumn.of("TokenRequests", "string",
                        "tokenRequests indicates the CSI driver needs pods' service account tokens.",
                        d -> tokenAudiences(d.getSpec())),
                TableColumn.of("RequiresRepublish", "boolean",
                        "requiresRepublish indicates the CSI driver wants NodePublishVolume periodically called.",
                        d -> Boolean.TRUE.equals(d.getSpec().getRequiresRepublish())),
                TableColumn.of("Modes", "string", "Volume lifecycle modes supported by the driver.",
                        d -> d.getSpec().getVolumeLifecycleModes() == null || d.getSpec().getVolumeLifecycleModes().isEmpty()
                                ? "<none>" : String.join(",", d.getSpec().getVolumeLifecycleModes())),
                TableColumn.ageColumn());
    }

    private static String tokenAudiences(CSIDriverSpec s) {
        if (s.getTokenRequests() == null || s.getTokenRequests().isEmpty()) {
            return "<unset>";
        }
        return String.join(",", s.getTokenRequests().stream().map(t -> Objects.toString(t.getAudience(), "")).toList());
    }
}
