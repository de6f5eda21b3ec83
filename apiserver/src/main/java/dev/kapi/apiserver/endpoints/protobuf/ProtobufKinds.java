package dev.kapi.apiserver.endpoints.protobuf;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Admissionregistration;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Authentication;
import io.kubernetes.client.proto.V1Authorization;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Batch;
import io.kubernetes.client.proto.V1Certificates;
import io.kubernetes.client.proto.V1Networking;
import io.kubernetes.client.proto.V1Policy;
import io.kubernetes.client.proto.V1Rbac;
import io.kubernetes.client.proto.V1Scheduling;
import io.kubernetes.client.proto.V1Storage;
import io.kubernetes.client.proto.V1beta1Apiextensions;
import io.kubernetes.client.proto.V2beta2Autoscaling;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the protobuf message type of an (apiVersion, kind) among the generated.proto files of
 * client-java-proto: one file per group/version, the kind being the message's name. The meta.k8s.io/v1
 * option kinds (DeleteOptions, ...) are registered in every group/version, as in kube-apiserver.
 */
final class ProtobufKinds {

    private static final String API_PREFIX = "k8s.io.api.";
    private static final String APIEXTENSIONS_PREFIX = "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.";

    private static final Map<String, FileDescriptor> BY_GROUP_VERSION = index(List.of(
            V1.getDescriptor(), V1Apps.getDescriptor(), V1Batch.getDescriptor(), V1Autoscaling.getDescriptor(),
            V2beta2Autoscaling.getDescriptor(), V1Networking.getDescriptor(), V1Policy.getDescriptor(),
            V1Rbac.getDescriptor(), V1Scheduling.getDescriptor(), V1Storage.getDescriptor(),
            V1Admissionregistration.getDescriptor(), V1Authentication.getDescriptor(),
            V1Authorization.getDescriptor(), V1Certificates.getDescriptor(), V1beta1Apiextensions.getDescriptor()));

    private ProtobufKinds() {
    }

    /** The message type of the kind in the group/version, or null when this server has no schema for it. */
    static Descriptor messageType(String apiVersion, String kind) {
        FileDescriptor file = BY_GROUP_VERSION.get(apiVersion);
        if (file == null) {
            return null;
        }
        Descriptor type = file.findMessageTypeByName(kind);
        return type != null ? type : Meta.getDescriptor().findMessageTypeByName(kind);
    }

    private static Map<String, FileDescriptor> index(List<FileDescriptor> files) {
        Map<String, FileDescriptor> byGroupVersion = new HashMap<>();
        for (FileDescriptor file : files) {
            byGroupVersion.put(groupVersion(file.getPackage()), file);
        }
        byGroupVersion.put("meta.k8s.io/v1", Meta.getDescriptor());
        return Map.copyOf(byGroupVersion);
    }

    /** {@code k8s.io.api.core.v1} → {@code v1}, {@code k8s.io.api.rbac.v1} → {@code rbac.authorization.k8s.io/v1}. */
    static String groupVersion(String protoPackage) {
        String rest;
        String group;
        if (protoPackage.startsWith(APIEXTENSIONS_PREFIX)) {
            rest = protoPackage.substring(APIEXTENSIONS_PREFIX.length());
            return "apiextensions.k8s.io/" + rest;
        }
        if (!protoPackage.startsWith(API_PREFIX)) {
            throw new IllegalArgumentException("not a Kubernetes API package: " + protoPackage);
        }
        rest = protoPackage.substring(API_PREFIX.length());
        int dot = rest.indexOf('.');
        String shortGroup = rest.substring(0, dot);
        String version = rest.substring(dot + 1);
        group = switch (shortGroup) {
            case "core" -> "";
            case "apps", "batch", "autoscaling", "policy", "extensions" -> shortGroup;
            case "rbac" -> "rbac.authorization.k8s.io";
            default -> shortGroup + ".k8s.io";
        };
        return group.isEmpty() ? version : group + "/" + version;
    }
}
