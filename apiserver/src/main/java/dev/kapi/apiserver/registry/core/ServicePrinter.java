package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.registry.TableColumn;
import io.fabric8.kubernetes.api.model.Service;

import java.util.List;

/** The {@code kubectl get services} columns (kube's {@code printService}). */
final class ServicePrinter {

    private ServicePrinter() {
    }

    static List<TableColumn<Service>> columns() {
        return List.of(TableColumn.nameColumn(),
                TableColumn.of("Type", "string", "type determines how the Service is exposed.",
                        s -> ServiceTypes.type(s)),
                TableColumn.of("Cluster-IP", "string", "clusterIP is the IP address of the service.",
                        s -> PodPrinter.orNone(s.getSpec().getClusterIP())),
                TableColumn.of("External-IP", "string", "externalIPs is a list of IP addresses for which nodes in "
                        + "the cluster will also accept traffic for this service.", ServiceSpecs::externalIp),
                TableColumn.of("Port(s)", "string", "The list of ports that are exposed by this service.",
                        ServiceSpecs::ports),
                TableColumn.ageColumn(),
                TableColumn.wide("Selector", "string", "Route service traffic to pods with label keys and values "
                        + "matching this selector.", s -> ServiceSpecs.selector(s.getSpec().getSelector())));
    }
}
