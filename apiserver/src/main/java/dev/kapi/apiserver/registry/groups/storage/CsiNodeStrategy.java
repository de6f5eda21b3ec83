package dev.kapi.apiserver.registry.groups.storage;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.validation.NameValidation;
import io.fabric8.kubernetes.api.model.storage.CSINode;
import io.fabric8.kubernetes.api.model.storage.CSINodeDriver;
import io.fabric8.kubernetes.api.model.storage.CSINodeSpec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * storage.k8s.io/v1 csinodes (cluster-scoped, named after their node): each driver named as a CSI driver,
 * once, with a nodeID of at most 192 characters, topology keys that are qualified names and a non-negative
 * allocatable count; a driver's nodeID and topology keys fixed once registered (kube's
 * {@code ValidateCSINodeUpdate}).
 */
public final class CsiNodeStrategy implements ResourceStrategy<CSINode> {

    static final int MAX_NODE_ID = 192;

    /** kube's storage for this resource sets {@code ReturnDeletedObject}: a delete answers with the object. */
    @Override
    public boolean returnsDeletedObject() {
        return true;
    }

    @Override
    public void applyDefaults(CSINode n) {
        if (n.getSpec() == null) {
            n.setSpec(new CSINodeSpec());
        }
        if (n.getSpec().getDrivers() == null) {
            n.getSpec().setDrivers(new ArrayList<>());
        }
    }

    @Override
    public List<FieldError> validate(CSINode n) {
        List<FieldError> errs = new ArrayList<>();
        List<CSINodeDriver> drivers = n.getSpec().getDrivers();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < drivers.size(); i++) {
            CSINodeDriver d = drivers.get(i);
            String path = "spec.drivers[" + i + "]";
            CsiDriverNames.check(d.getName(), path + ".name", errs);
            if (d.getName() != null && !names.add(d.getName())) {
                errs.add(FieldError.duplicate(path + ".name", d.getName()));
            }
            String nodeId = Objects.toString(d.getNodeID(), "");
            if (nodeId.isEmpty()) {
                errs.add(FieldError.required(path + ".nodeID", "nodeID of the node cannot be empty"));
            } else if (nodeId.length() > MAX_NODE_ID) {
                errs.add(FieldError.invalid(path + ".nodeID", nodeId,
                        "must be " + MAX_NODE_ID + " characters or less"));
            }
            List<String> keys = d.getTopologyKeys() == null ? List.of() : d.getTopologyKeys();
            Set<String> seen = new HashSet<>();
            for (int k = 0; k < keys.size(); k++) {
                String keyPath = path + ".topologyKeys";
                if (keys.get(k) == null || keys.get(k).isEmpty()) {
                    errs.add(FieldError.required(keyPath, keys.get(k)));
                    continue;
                }
                if (!seen.add(keys.get(k))) {
                    errs.add(FieldError.duplicate(keyPath, keys.get(k)));
                }
                for (String msg : NameValidation.qualifiedName(keys.get(k))) {
                    errs.add(FieldError.invalid(keyPath, keys.get(k), msg));
                }
            }
            if (d.getAllocatable() != null && d.getAllocatable().getCount() != null && d.getAllocatable().getCount() < 0) {
                errs.add(FieldError.invalid(path + ".allocatable.count", d.getAllocatable().getCount(),
                        "must be greater than or equal to 0"));
            }
        }
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(CSINode n, CSINode old) {
        List<FieldError> errs = validate(n);
        for (CSINodeDriver before : old.getSpec().getDrivers()) {
            for (int i = 0; i < n.getSpec().getDrivers().size(); i++) {
                CSINodeDriver now = n.getSpec().getDrivers().get(i);
                if (!Objects.equals(before.getName(), now.getName())) {
                    continue;
                }
                String path = "spec.drivers[" + i + "]";
                if (!Objects.equals(before.getNodeID(), now.getNodeID())) {
                    errs.add(FieldError.invalid(path + ".nodeID", now.getNodeID(), "field is immutable"));
                }
                if (!Objects.equals(nonNull(before.getTopologyKeys()), nonNull(now.getTopologyKeys()))) {
                    errs.add(FieldError.invalid(path + ".topologyKeys", now.getTopologyKeys(), "field is immutable"));
                }
            }
        }
        return errs;
    }

    private static List<String> nonNull(List<String> l) {
        return l == null ? List.of() : l;
    }

    @Override
    public List<TableColumn<CSINode>> tableColumns() {
        return List.of(
                TableColumn.nameColumn(),
                TableColumn.of("Drivers", "integer", "Drivers indicates the number of CSI drivers registered on the node",
                        n -> (long) (n.getSpec() == null || n.getSpec().getDrivers() == null ? 0
                                : n.getSpec().getDrivers().size())),
                TableColumn.ageColumn());
    }
}
