package dev.kapi.apiserver.registry.groups;

import dev.kapi.apiserver.registry.RegistryContext;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.core.ComponentStatusStrategy;
import dev.kapi.apiserver.registry.core.PodTemplateStrategy;
import dev.kapi.apiserver.registry.groups.certificates.CertificateSigningRequestStrategy;
import dev.kapi.apiserver.registry.groups.node.RuntimeClassStrategy;
import dev.kapi.apiserver.registry.groups.storage.CsiDriverStrategy;
import dev.kapi.apiserver.registry.groups.storage.CsiNodeStrategy;
import dev.kapi.apiserver.registry.groups.storage.CsiStorageCapacityStrategy;
import dev.kapi.apiserver.registry.groups.storage.VolumeAttachmentStrategy;
import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.ComponentStatus;
import io.fabric8.kubernetes.api.model.PodTemplate;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.api.model.storage.CSIDriver;
import io.fabric8.kubernetes.api.model.storage.CSINode;
import io.fabric8.kubernetes.api.model.storage.CSIStorageCapacity;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachment;

import java.util.List;

/**
 * The rest of what kube-apiserver 1.32 serves itself: core bindings (create only: assigns a pod to a node, as
 * {@code pods/binding}), componentstatuses (read-only, computed, deprecated as in kube), and as stored objects
 * core podtemplates, certificates.k8s.io
 * CSRs (with {@code status} and {@code approval}), node.k8s.io runtime classes and the CSI side of
 * storage.k8s.io. Nothing here acts on them: there is no CSR signer, kubelet or attach/detach controller.
 */
public final class MoreGroupResources {

    private static final String STORAGE = "storage.k8s.io";

    private MoreGroupResources() {
    }

    public static List<ResourceDefinition<?>> all(RegistryContext context) {
        return List.of(
                ResourceDefinition.builder("", "v1", "bindings", "Binding", Binding.class).verbs("create").build(),
                ResourceDefinition.builder("", "v1", "componentstatuses", "ComponentStatus", ComponentStatus.class)
                        .clusterScoped().shortNames("cs").verbs("get", "list")
                        .deprecated(ComponentStatusStrategy.DEPRECATED).strategy(new ComponentStatusStrategy()).build(),
                ResourceDefinition.builder("", "v1", "podtemplates", "PodTemplate", PodTemplate.class)
                        .strategy(new PodTemplateStrategy()).build(),
                ResourceDefinition.builder("certificates.k8s.io", "v1", "certificatesigningrequests",
                                "CertificateSigningRequest", CertificateSigningRequest.class)
                        .clusterScoped().shortNames("csr").subresources("status", "approval")
                        .strategy(new CertificateSigningRequestStrategy()).build(),
                ResourceDefinition.builder("node.k8s.io", "v1", "runtimeclasses", "RuntimeClass", RuntimeClass.class)
                        .clusterScoped().strategy(new RuntimeClassStrategy()).build(),
                ResourceDefinition.builder(STORAGE, "v1", "csidrivers", "CSIDriver", CSIDriver.class)
                        .clusterScoped().strategy(new CsiDriverStrategy()).build(),
                ResourceDefinition.builder(STORAGE, "v1", "csinodes", "CSINode", CSINode.class)
                        .clusterScoped().strategy(new CsiNodeStrategy()).build(),
                ResourceDefinition.builder(STORAGE, "v1", "csistoragecapacities", "CSIStorageCapacity",
                                CSIStorageCapacity.class)
                        .strategy(new CsiStorageCapacityStrategy()).build(),
                ResourceDefinition.builder(STORAGE, "v1", "volumeattachments", "VolumeAttachment",
                                VolumeAttachment.class)
                        .clusterScoped().subresources("status").strategy(new VolumeAttachmentStrategy()).build());
    }
}
