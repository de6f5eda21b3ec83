package dev.kapi.apiserver.controllers.endpoints;

import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;

import java.util.List;
import java.util.Map;

/** Pods and Services as the tests of this package write them. */
final class Fixtures {

    static final String READY_SINCE = "2026-01-02T03:04:05Z";

    private Fixtures() {
    }

    /** A pod labelled {@code labels}, with an IP when {@code ip} is not null, Ready or not, on {@code node}. */
    static Pod pod(String name, Map<String, String> labels, String ip, boolean ready, String node,
                   ContainerPort... ports) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewSpec().withNodeName(node).addNewContainer().withName("c").withImage("busybox")
                .withPorts(ports).endContainer().endSpec()
                .withNewStatus().withPhase(ip == null ? "Pending" : "Running")
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False")
                .withLastTransitionTime(READY_SINCE).endCondition().endStatus();
        if (ip != null) {
            b.editStatus().withPodIP(ip).addNewPodIP().withIp(ip).endPodIP().endStatus();
        }
        return b.build();
    }

    /** Creates the pod, then writes its status (a create resets it), as the scheduler and kubelet would. */
    static Pod create(Store<Pod> pods, String namespace, Pod pod) {
        PodStatus status = pod.getStatus();
        Writes.create(pods, namespace, pod);
        return Writes.update(pods, namespace, pod.getMetadata().getName(), "status", p -> {
            p.setStatus(status);
            return p;
        });
    }

    static ContainerPort containerPort(String name, int port) {
        return new ContainerPortBuilder().withName(name).withContainerPort(port).withProtocol("TCP").build();
    }

    static ServicePort port(String name, int port, IntOrString target) {
        return new ServicePortBuilder().withName(name).withPort(port).withTargetPort(target).withProtocol("TCP").build();
    }

    static Service service(String name, Map<String, String> selector, ServicePort... ports) {
        return new ServiceBuilder().withNewMetadata().withName(name).withLabels(Map.of("team", "a")).endMetadata()
                .withNewSpec().withSelector(selector).withPorts(List.of(ports)).endSpec().build();
    }
}
