package dev.kapi.apiserver.admission.plugin.podsecurity;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.admission.AdmissionRecorder;
import dev.kapi.apiserver.api.GroupVersionKind;
import dev.kapi.apiserver.api.GroupVersionResource;
import dev.kapi.apiserver.authn.UserInfo;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A request's admission attributes with a recorder that keeps the warnings and audit annotations left on it. */
final class Recorded implements AdmissionRecorder {

    static final UserInfo ALICE = new UserInfo("alice", "alice-uid", List.of("system:authenticated"), Map.of());

    final List<String> warnings = new ArrayList<>();
    final Map<String, String> annotations = new LinkedHashMap<>();

    @Override
    public void warn(String warning) {
        warnings.add(warning);
    }

    @Override
    public void annotate(String key, String value) {
        annotations.putIfAbsent(key, value);
    }

    /** Attributes of {@code operation} on {@code group/version/resource[/subresource]}, as alice. */
    AdmissionAttributes attributes(Operation operation, String gvr, String subresource, String kind, String namespace,
                                   HasMetadata object, HasMetadata old) {
        return attributes(operation, gvr, subresource, kind, namespace, object, old, ALICE);
    }

    AdmissionAttributes attributes(Operation operation, String gvr, String subresource, String kind, String namespace,
                                   HasMetadata object, HasMetadata old, UserInfo user) {
        String[] parts = gvr.split("/");
        GroupVersionKind gvk = new GroupVersionKind(parts[0], parts[1], kind);
        HasMetadata named = object != null ? object : old;
        return new AdmissionAttributes(operation, gvk, gvk, new GroupVersionResource(parts[0], parts[1], parts[2]),
                subresource, namespace, named.getMetadata().getName(), object, old, null, user, false, this);
    }
}
