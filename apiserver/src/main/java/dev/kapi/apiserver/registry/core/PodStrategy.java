package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.TableRowCondition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pods: kube's defaults, status Pending with the computed QoS class on create, spec validation, the pod-update
 * rule (only images, activeDeadlineSeconds, added tolerations and a few more may change), field selectors
 * ({@code spec.nodeName}, {@code status.phase}, ...) and the {@code kubectl get pods} columns.
 */
public final class PodStrategy implements ResourceStrategy<Pod> {

    private static final PodBinding BINDING = new PodBinding();
    private static final PodEphemeralContainers EPHEMERAL_CONTAINERS = new PodEphemeralContainers();

    static final String UPDATE_FORBIDDEN = "pod updates may not change fields other than "
            + "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
            + "`spec.tolerations` (only additions to existing tolerations),"
            + "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

    /** kube's pod storage sets {@code ReturnDeletedObject}: a delete answers with the pod. */
    @Override
    public boolean returnsDeletedObject() {
        return true;
    }

    /**
     * kube's pod rule: the period asked for, else spec.terminationGracePeriodSeconds (else 0); 0 for a pod no
     * node runs (not bound) and for one that ended (Succeeded, Failed): nobody would finish its deletion.
     */
    @Override
    public Long gracefulDeletePeriod(Pod pod, Long requested) {
        long period = requested != null ? requested
                : pod.getSpec() != null && pod.getSpec().getTerminationGracePeriodSeconds() != null
                ? pod.getSpec().getTerminationGracePeriodSeconds() : 0;
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if (node == null || node.isEmpty() || "Succeeded".equals(phase) || "Failed".equals(phase)) {
            return 0L;
        }
        return period;
    }

    @Override
    public void applyDefaults(Pod pod) {
        PodSpecDefaults.apply(pod.getSpec());
        PodSpecDefaults.applyPod(pod.getSpec());
    }

    @Override
    public void prepareForCreate(Pod pod) {
        PodStatus status = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
        status.setPhase("Pending");
        status.setQosClass(QosClasses.of(pod.getSpec()));
        pod.setStatus(status);
    }

    /** The spec, which may not have ephemeral containers yet: they come through their subresource. */
    @Override
    public List<FieldError> validate(Pod pod) {
        List<FieldError> errs = PodSpecValidation.validatePod(pod.getSpec());
        if (pod.getSpec() != null && pod.getSpec().getEphemeralContainers() != null
                && !pod.getSpec().getEphemeralContainers().isEmpty()) {
            errs.add(FieldError.forbidden("spec.ephemeralContainers", "cannot be set on create"));
        }
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(Pod pod, Pod old) {
        List<FieldError> errs = new ArrayList<>(PodSpecValidation.validatePod(pod.getSpec()));
        if (!errs.isEmpty() || old.getSpec() == null || pod.getSpec() == null) {
            return errs;
        }
        PodSpec spec = pod.getSpec();
        PodSpec oldSpec = old.getSpec();
        Long ads = spec.getActiveDeadlineSeconds();
        Long oldAds = oldSpec.getActiveDeadlineSeconds();
        if (ads != null && oldAds != null && oldAds < ads) {
            errs.add(FieldError.invalid("spec.activeDeadlineSeconds", ads, "must be less than or equal to previous value"));
            return errs;
        }
        if (ads == null && oldAds != null) {
            errs.add(FieldError.invalid("spec.activeDeadlineSeconds", null, "must not update from a positive integer to nil value"));
            return errs;
        }
        PodSpec mutated = Json.convert(Json.tree(spec), PodSpec.class);
        copyImages(mutated.getContainers(), oldSpec.getContainers());
        copyImages(mutated.getInitContainers(), oldSpec.getInitContainers());
        mutated.setActiveDeadlineSeconds(oldAds);
        List<?> oldTolerations = oldSpec.getTolerations() == null ? List.of() : oldSpec.getTolerations();
        if (mutated.getTolerations() != null && mutated.getTolerations().containsAll(oldTolerations)) {
            mutated.setTolerations(oldSpec.getTolerations());
        }
        Long grace = spec.getTerminationGracePeriodSeconds();
        Long oldGrace = oldSpec.getTerminationGracePeriodSeconds();
        if (oldGrace != null && oldGrace < 0 && grace != null && grace == 1) {
            mutated.setTerminationGracePeriodSeconds(oldGrace);
        }
        if (oldSpec.getSchedulingGates() != null && mutated.getSchedulingGates() != null
                && oldSpec.getSchedulingGates().containsAll(mutated.getSchedulingGates())) {
            mutated.setSchedulingGates(oldSpec.getSchedulingGates());
        }
        if (!Json.tree(mutated).equals(Json.tree(oldSpec))) {
            errs.add(FieldError.forbidden("spec", UPDATE_FORBIDDEN));
        }
        return errs;
    }

    private static void copyImages(List<Container> target, List<Container> old) {
        if (target == null || old == null || target.size() != old.size()) {
            return;
        }
        for (int i = 0; i < target.size(); i++) {
            target.get(i).setImage(old.get(i).getImage());
        }
    }

    @Override
    public List<String> indexedFields() {
        return List.of("spec.nodeName");
    }

    @Override
    public Map<String, String> selectableFields(Pod pod) {
        Map<String, String> f = new LinkedHashMap<>();
        PodSpec spec = pod.getSpec() == null ? new PodSpec() : pod.getSpec();
        PodStatus status = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
        f.put("spec.nodeName", nz(spec.getNodeName()));
        f.put("spec.restartPolicy", nz(spec.getRestartPolicy()));
        f.put("spec.schedulerName", nz(spec.getSchedulerName()));
        f.put("spec.serviceAccountName", nz(spec.getServiceAccountName()));
        f.put("spec.hostNetwork", String.valueOf(Boolean.TRUE.equals(spec.getHostNetwork())));
        f.put("status.phase", nz(status.getPhase()));
        String podIp = status.getPodIPs() != null && !status.getPodIPs().isEmpty()
                ? nz(status.getPodIPs().get(0).getIp()) : nz(status.getPodIP());
        f.put("status.podIP", podIp);
        f.put("status.nominatedNodeName", nz(status.getNominatedNodeName()));
        return f;
    }

    @Override
    public List<TableColumn<Pod>> tableColumns() {
        return PodPrinter.columns();
    }

    @Override
    public List<TableRowCondition> tableRowConditions(Pod pod) {
        return PodPrinter.rowConditions(pod);
    }

    static String nz(String s) {
        return s == null ? "" : s;
    }

    /**
     * {@code binding}: the write that assigns the pod to a node ({@link PodBinding}); {@code ephemeralcontainers}:
     * the write that adds debug containers ({@link PodEphemeralContainers}).
     */
    @Override
    public ResourceStrategy<Pod> subresourceStrategy(String subresource) {
        return switch (subresource) {
            case "binding" -> BINDING;
            case "ephemeralcontainers" -> EPHEMERAL_CONTAINERS;
            default -> null;
        };
    }
}
