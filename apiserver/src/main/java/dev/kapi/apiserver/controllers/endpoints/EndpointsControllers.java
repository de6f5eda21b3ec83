package dev.kapi.apiserver.controllers.endpoints;

import dev.kapi.apiserver.controllers.Controller;
import dev.kapi.apiserver.controllers.ControllerContext;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.controllers.ControllerContext.Candidate;
import dev.kapi.apiserver.controllers.SharedInformers;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * kube-controller-manager's service endpoint controllers: the endpoints controller ({@code Endpoints} of
 * Services with selectors), the EndpointSlice controller, and the root CA publisher ({@code kube-root-ca.crt}
 * in every namespace), which runs only when the CA bundle clients should trust is known.
 */
public final class EndpointsControllers {

    private EndpointsControllers() {
    }

    /** The endpoints and EndpointSlice controllers, and the root CA publisher when the context has a CA bundle. */
    public static List<Controller> create(ControllerContext context) {
        String pem = context.rootCaPem();
        return create(context, pem == null ? null : () -> pem);
    }

    /**
     * @param rootCaPem the PEM bundle clients should trust for this server (the one a kubeconfig's
     *                  certificate-authority-data holds), or null: then no root CA publisher
     */
    public static List<Controller> create(ControllerContext context, Supplier<String> rootCaPem) {
        SharedInformers informers = context.informers();
        Supplier<Informer<Service>> services = () -> informers.of("", "v1", "services", Service.class);
        Supplier<Informer<Pod>> pods = () -> informers.of("", "v1", "pods", Pod.class);
        List<Controller> all = new ArrayList<>(context.selected(
                new Candidate(EndpointsController.NAME, () -> new EndpointsController(services.get(), pods.get(),
                        informers.of("", "v1", "endpoints", Endpoints.class),
                        informers.store("", "v1", "endpoints", Endpoints.class), context.writes())),
                new Candidate(EndpointSliceController.NAME, () -> new EndpointSliceController(services.get(),
                        pods.get(), informers.of("", "v1", "nodes", Node.class),
                        informers.of("discovery.k8s.io", "v1", "endpointslices", EndpointSlice.class),
                        informers.store("discovery.k8s.io", "v1", "endpointslices", EndpointSlice.class),
                        context.writes()))));
        if (rootCaPem != null) {
            all.addAll(context.selected(new Candidate(RootCaPublisher.NAME, () -> new RootCaPublisher(
                    informers.of("", "v1", "namespaces", Namespace.class),
                    informers.selected("", "v1", "configmaps", ConfigMap.class, RootCaPublisher.SELECTOR,
                            cm -> RootCaPublisher.CONFIG_MAP.equals(cm.getMetadata().getName())),
                    informers.store("", "v1", "configmaps", ConfigMap.class), context.writes(), rootCaPem))));
        }
        return all;
    }
}
