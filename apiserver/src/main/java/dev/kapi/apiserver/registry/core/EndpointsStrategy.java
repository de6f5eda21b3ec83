package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;

import java.util.ArrayList;
import java.util.List;

/** Endpoints: the {@code kubectl get endpoints} columns (at most three addresses, then "+ N more..."). */
public final class EndpointsStrategy implements ResourceStrategy<Endpoints> {

    /** A PUT of a missing one creates it, as in kube. */
    @Override
    public boolean allowCreateOnUpdate() {
        return true;
    }

    @Override
    public List<TableColumn<Endpoints>> tableColumns() {
        return List.of(TableColumn.nameColumn(),
                TableColumn.of("Endpoints", "string", "The set of all endpoints is the union of all subsets.",
                        EndpointsStrategy::format),
                TableColumn.ageColumn());
    }

    /** kube's {@code formatEndpoints} with max 3. */
    static String format(Endpoints ep) {
        List<String> shown = new ArrayList<>();
        int count = 0;
        List<EndpointSubset> subsets = ep.getSubsets() == null ? List.of() : ep.getSubsets();
        for (EndpointSubset ss : subsets) {
            List<EndpointAddress> addresses = ss.getAddresses() == null ? List.of() : ss.getAddresses();
            List<EndpointPort> ports = ss.getPorts() == null ? List.of() : ss.getPorts();
            if (ports.isEmpty()) {
                for (EndpointAddress a : addresses) {
                    if (shown.size() < 3) {
                        shown.add(a.getIp());
                    }
                    count++;
                }
                continue;
            }
            for (EndpointPort p : ports) {
                for (EndpointAddress a : addresses) {
                    if (shown.size() < 3) {
                        shown.add(a.getIp() + ":" + p.getPort());
                    }
                    count++;
                }
            }
        }
        String s = String.join(",", shown);
        if (count > shown.size()) {
            s += " + " + (count - shown.size()) + " more...";
        }
        return s.isEmpty() ? "<none>" : s;
    }
}
