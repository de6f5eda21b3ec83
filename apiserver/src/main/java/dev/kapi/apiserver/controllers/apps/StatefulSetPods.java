package dev.kapi.apiserver.controllers.apps;

import dev.kapi.apiserver.api.Json;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A StatefulSet's pod identities (kube's {@code stateful_set_utils}): pod {@code <set>-<ordinal>} with the
 * labels {@code controller-revision-hash} (its revision's name), {@code statefulset.kubernetes.io/pod-name} and
 * {@code apps.kubernetes.io/pod-index}, hostname its name and subdomain the set's serviceName, and for each
 * volumeClaimTemplate a volume on the claim {@code <template>-<set>-<ordinal>}.
 */
final class StatefulSetPods {

    static final String POD_NAME = "statefulset.kubernetes.io/pod-name";
    static final String POD_INDEX = "apps.kubernetes.io/pod-index";

    private StatefulSetPods() {
    }

    /** The pod's ordinal when it belongs to the set by name, else -1. */
    static int ordinal(StatefulSet set, Pod pod) {
        String prefix = set.getMetadata().getName() + "-";
        String name = pod.getMetadata().getName();
        if (!name.startsWith(prefix)) {
            return -1;
        }
        try {
            int i = Integer.parseInt(name.substring(prefix.length()));
            return i >= 0 && name.equals(prefix + i) ? i : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The template a revision recorded (its data's spec.template). */
    @SuppressWarnings("unchecked")
    static PodTemplateSpec template(ControllerRevision revision) {
        Map<String, Object> data = Json.MAPPER.convertValue(revision.getData(), LinkedHashMap.class);
        Map<String, Object> template = new LinkedHashMap<>((Map<String, Object>) ((Map<String, Object>) data.get("spec"))
                .get("template"));
        template.remove("$patch");
        return Json.MAPPER.convertValue(template, PodTemplateSpec.class);
    }

    static Pod pod(StatefulSet set, ControllerRevision revision, int ordinal) {
        String name = set.getMetadata().getName() + "-" + ordinal;
        Pod pod = PodControl.fromTemplate(template(revision), set,
                ControllerRefs.controllerRef(set, "apps/v1", "StatefulSet"));
        pod.getMetadata().setGenerateName(null);
        pod.getMetadata().setName(name);
        Map<String, String> labels = pod.getMetadata().getLabels() == null ? new HashMap<>()
                : new HashMap<>(pod.getMetadata().getLabels());
        labels.put(ControllerHistory.LABEL, revision.getMetadata().getName());
        labels.put(POD_NAME, name);
        labels.put(POD_INDEX, String.valueOf(ordinal));
        pod.getMetadata().setLabels(labels);
        pod.getSpec().setHostname(name);
        String service = set.getSpec().getServiceName();
        pod.getSpec().setSubdomain(service == null || service.isEmpty() ? null : service);
        List<Volume> volumes = pod.getSpec().getVolumes() == null ? new ArrayList<>()
                : new ArrayList<>(pod.getSpec().getVolumes());
        for (PersistentVolumeClaim claim : claimTemplates(set)) {
            String claimName = claimName(set, claim, ordinal);
            volumes.removeIf(v -> v.getName().equals(claim.getMetadata().getName()));
            volumes.add(new VolumeBuilder().withName(claim.getMetadata().getName()).withNewPersistentVolumeClaim()
                    .withClaimName(claimName).endPersistentVolumeClaim().build());
        }
        pod.getSpec().setVolumes(volumes.isEmpty() ? null : volumes);
        return pod;
    }

    /** The claims the pod of this ordinal uses, as kube creates them before the pod. */
    static List<PersistentVolumeClaim> claims(StatefulSet set, int ordinal) {
        List<PersistentVolumeClaim> claims = new ArrayList<>();
        for (PersistentVolumeClaim template : claimTemplates(set)) {
            PersistentVolumeClaim claim = new PersistentVolumeClaimBuilder(template).build();
            claim.setApiVersion("v1");
            claim.setKind("PersistentVolumeClaim");
            claim.getMetadata().setName(claimName(set, template, ordinal));
            claim.getMetadata().setNamespace(set.getMetadata().getNamespace());
            Map<String, String> labels = claim.getMetadata().getLabels() == null ? new HashMap<>()
                    : new HashMap<>(claim.getMetadata().getLabels());
            if (set.getSpec().getSelector() != null && set.getSpec().getSelector().getMatchLabels() != null) {
                labels.putAll(set.getSpec().getSelector().getMatchLabels());
            }
            claim.getMetadata().setLabels(labels);
            claim.setStatus(null);
            claims.add(claim);
        }
        return claims;
    }

    private static List<PersistentVolumeClaim> claimTemplates(StatefulSet set) {
        return set.getSpec().getVolumeClaimTemplates() == null ? List.of() : set.getSpec().getVolumeClaimTemplates();
    }

    private static String claimName(StatefulSet set, PersistentVolumeClaim template, int ordinal) {
        return template.getMetadata().getName() + "-" + set.getMetadata().getName() + "-" + ordinal;
    }
}
