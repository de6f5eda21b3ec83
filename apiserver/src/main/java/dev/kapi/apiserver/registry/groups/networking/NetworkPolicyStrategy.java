package dev.kapi.apiserver.registry.groups.networking;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.groups.FieldChecks;
import dev.kapi.apiserver.registry.validation.LabelSelectorValidation;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpec;

import java.util.ArrayList;
import java.util.List;

/** networking.k8s.io/v1 networkpolicies: policyTypes default (Ingress, plus Egress with egress rules). */
public final class NetworkPolicyStrategy implements ResourceStrategy<NetworkPolicy> {

    @Override
    public void applyDefaults(NetworkPolicy np) {
        if (np.getSpec() == null) {
            np.setSpec(new NetworkPolicySpec());
        }
        NetworkPolicySpec spec = np.getSpec();
        if (spec.getPodSelector() == null) {
            spec.setPodSelector(new LabelSelector());
        }
        if (spec.getPolicyTypes() == null || spec.getPolicyTypes().isEmpty()) {
            List<String> types = new ArrayList<>(List.of("Ingress"));
            if (spec.getEgress() != null && !spec.getEgress().isEmpty()) {
                types.add("Egress");
            }
            spec.setPolicyTypes(types);
        }
        if (spec.getIngress() != null) {
            spec.getIngress().forEach(r -> ports(r.getPorts()));
        }
        if (spec.getEgress() != null) {
            spec.getEgress().forEach(r -> ports(r.getPorts()));
        }
    }

    private static void ports(List<NetworkPolicyPort> ports) {
        if (ports != null) {
            ports.stream().filter(p -> p.getProtocol() == null || p.getProtocol().isEmpty())
                    .forEach(p -> p.setProtocol("TCP"));
        }
    }

    @Override
    public List<FieldError> validate(NetworkPolicy np) {
        List<FieldError> errs = new ArrayList<>();
        NetworkPolicySpec spec = np.getSpec() == null ? new NetworkPolicySpec() : np.getSpec();
        errs.addAll(LabelSelectorValidation.validate(spec.getPodSelector(), "spec.podSelector"));
        List<String> types = spec.getPolicyTypes();
        for (int i = 0; types != null && i < types.size(); i++) {
            FieldChecks.oneOf(types.get(i), List.of("Egress", "Ingress"), "spec.policyTypes[" + i + "]", errs);
        }
        if (types != null && types.size() > 2) {
            errs.add(FieldError.invalid("spec.policyTypes", String.join(",", types),
                    "may not specify more than two policyTypes"));
        }
        return errs;
    }

    @Override
    public List<TableColumn<NetworkPolicy>> tableColumns() {
        return List.of(
                TableColumn.nameColumn(),
                TableColumn.of("Pod-Selector", "string",
                        "podSelector selects the pods to which this NetworkPolicy object applies.",
                        np -> dev.kapi.apiserver.api.selection.LabelSelector.format(np.getSpec() == null ? null : np.getSpec().getPodSelector())),
                TableColumn.ageColumn());
    }
}
