package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.Json;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Volume;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The defaults kube-apiserver gives a pod spec ({@code pkg/apis/core/v1/defaults.go}), the single copy used by
 * pods, replication controllers and every workload template (deployments, replicasets, statefulsets,
 * daemonsets, jobs, cronjobs): restartPolicy Always, dnsPolicy ClusterFirst, terminationGracePeriodSeconds
 * 30, schedulerName default-scheduler, an empty securityContext, serviceAccount/serviceAccountName kept in
 * step; per container imagePullPolicy (Always for ":latest" or no tag), terminationMessagePath/Policy, port
 * protocol TCP, probe timings and httpGet path/scheme, env fieldRef apiVersion v1 (ephemeral containers alike);
 * volume defaultMode 420 (0644), hostPath type "". {@link #applyPod} adds what only pods get ({@code SetDefaults_Pod}).
 */
public final class PodSpecDefaults {

    private static final int DEFAULT_MODE = 0644;

    private PodSpecDefaults() {
    }

    /** A workload's pod template: metadata and spec created when absent, then {@link #apply(PodSpec)}. */
    public static void applyTemplate(PodTemplateSpec template) {
        if (template == null) {
            return;
        }
        if (template.getMetadata() == null) {
            template.setMetadata(new ObjectMeta());
        }
        if (template.getSpec() == null) {
            template.setSpec(new PodSpec());
        }
        apply(template.getSpec());
    }

    /** {@code SetDefaults_PodSpec} and the container, probe and volume defaults, for pods and templates alike. */
    public static void apply(PodSpec spec) {
        if (spec == null) {
            return;
        }
        if (empty(spec.getRestartPolicy())) {
            spec.setRestartPolicy("Always");
        }
        if (empty(spec.getDnsPolicy())) {
            spec.setDnsPolicy("ClusterFirst");
        }
        if (spec.getTerminationGracePeriodSeconds() == null) {
            spec.setTerminationGracePeriodSeconds(30L);
        }
        if (empty(spec.getSchedulerName())) {
            spec.setSchedulerName("default-scheduler");
        }
        if (spec.getSecurityContext() == null) {
            spec.setSecurityContext(new PodSecurityContext());
        }
        if (empty(spec.getServiceAccountName()) && !empty(spec.getServiceAccount())) {
            spec.setServiceAccountName(spec.getServiceAccount());
        }
        if (empty(spec.getServiceAccount()) && !empty(spec.getServiceAccountName())) {
            spec.setServiceAccount(spec.getServiceAccountName());
        }
        for (List<Container> list : containerLists(spec)) {
            list.forEach(PodSpecDefaults::container);
        }
        if (spec.getEphemeralContainers() != null) {
            spec.setEphemeralContainers(new ArrayList<>(spec.getEphemeralContainers().stream()
                    .map(PodSpecDefaults::ephemeralContainer).toList()));
        }
        if (spec.getVolumes() != null) {
            spec.getVolumes().forEach(PodSpecDefaults::volume);
        }
    }

    /**
     * Pods only ({@code SetDefaults_Pod}), after {@link #apply(PodSpec)}: enableServiceLinks true, host ports
     * from container ports on the host network, requests from limits.
     */
    static void applyPod(PodSpec spec) {
        if (spec == null) {
            return;
        }
        if (spec.getEnableServiceLinks() == null) {
            spec.setEnableServiceLinks(true);
        }
        boolean hostNetwork = Boolean.TRUE.equals(spec.getHostNetwork());
        for (List<Container> list : containerLists(spec)) {
            for (Container c : list) {
                if (hostNetwork && c.getPorts() != null) {
                    for (ContainerPort p : c.getPorts()) {
                        if (p.getHostPort() == null || p.getHostPort() == 0) {
                            p.setHostPort(p.getContainerPort());
                        }
                    }
                }
            }
        }
        requestsFromLimits(spec);
    }

    /** Requests default to limits where a limit is set and a request is not. */
    private static void requestsFromLimits(PodSpec spec) {
        for (List<Container> list : containerLists(spec)) {
            for (Container c : list) {
                ResourceRequirements r = c.getResources();
                if (r == null || r.getLimits() == null || r.getLimits().isEmpty()) {
                    continue;
                }
                Map<String, Quantity> requests = r.getRequests() == null ? new LinkedHashMap<>()
                        : new LinkedHashMap<>(r.getRequests());
                r.getLimits().forEach((k, v) -> requests.putIfAbsent(k, new Quantity(v.toString())));
                r.setRequests(requests);
            }
        }
    }

    static List<List<Container>> containerLists(PodSpec spec) {
        return java.util.stream.Stream.of(spec.getInitContainers(), spec.getContainers())
                .filter(java.util.Objects::nonNull).toList();
    }

    /** kube defaults an ephemeral container as the container it is but for its targetContainerName. */
    private static EphemeralContainer ephemeralContainer(EphemeralContainer ec) {
        ObjectNode tree = (ObjectNode) Json.tree(ec);
        JsonNode target = tree.remove("targetContainerName");
        Container c = Json.convert(tree, Container.class);
        container(c);
        ObjectNode defaulted = (ObjectNode) Json.tree(c);
        if (target != null) {
            defaulted.set("targetContainerName", target);
        }
        return Json.convert(defaulted, EphemeralContainer.class);
    }

    private static void container(Container c) {
        if (empty(c.getImagePullPolicy())) {
            c.setImagePullPolicy(pullPolicy(c.getImage()));
        }
        if (empty(c.getTerminationMessagePath())) {
            c.setTerminationMessagePath("/dev/termination-log");
        }
        if (empty(c.getTerminationMessagePolicy())) {
            c.setTerminationMessagePolicy("File");
        }
        if (c.getPorts() != null) {
            for (ContainerPort p : c.getPorts()) {
                if (empty(p.getProtocol())) {
                    p.setProtocol("TCP");
                }
            }
        }
        if (c.getEnv() != null) {
            for (EnvVar e : c.getEnv()) {
                if (e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null
                        && empty(e.getValueFrom().getFieldRef().getApiVersion())) {
                    e.getValueFrom().getFieldRef().setApiVersion("v1");
                }
            }
        }
        probe(c.getLivenessProbe());
        probe(c.getReadinessProbe());
        probe(c.getStartupProbe());
    }

    /**
     * Always for an image tagged {@code latest} or untagged (without digest), else IfNotPresent; an empty
     * image (which does not parse as a reference) gets IfNotPresent.
     */
    static String pullPolicy(String image) {
        if (image == null || image.isEmpty()) {
            return "IfNotPresent";
        }
        String ref = image;
        boolean digest = false;
        int at = ref.indexOf('@');
        if (at >= 0) {
            digest = true;
            ref = ref.substring(0, at);
        }
        int slash = ref.lastIndexOf('/');
        int colon = ref.indexOf(':', slash + 1);
        String tag = colon >= 0 ? ref.substring(colon + 1) : (digest ? "" : "latest");
        return "latest".equals(tag) ? "Always" : "IfNotPresent";
    }

    private static void probe(Probe p) {
        if (p == null) {
            return;
        }
        if (p.getTimeoutSeconds() == null || p.getTimeoutSeconds() == 0) {
            p.setTimeoutSeconds(1);
        }
        if (p.getPeriodSeconds() == null || p.getPeriodSeconds() == 0) {
            p.setPeriodSeconds(10);
        }
        if (p.getSuccessThreshold() == null || p.getSuccessThreshold() == 0) {
            p.setSuccessThreshold(1);
        }
        if (p.getFailureThreshold() == null || p.getFailureThreshold() == 0) {
            p.setFailureThreshold(3);
        }
        if (p.getHttpGet() != null) {
            if (empty(p.getHttpGet().getPath())) {
                p.getHttpGet().setPath("/");
            }
            if (empty(p.getHttpGet().getScheme())) {
                p.getHttpGet().setScheme("HTTP");
            }
        }
    }

    private static void volume(Volume v) {
        if (v.getSecret() != null && v.getSecret().getDefaultMode() == null) {
            v.getSecret().setDefaultMode(DEFAULT_MODE);
        }
        if (v.getConfigMap() != null && v.getConfigMap().getDefaultMode() == null) {
            v.getConfigMap().setDefaultMode(DEFAULT_MODE);
        }
        if (v.getProjected() != null && v.getProjected().getDefaultMode() == null) {
            v.getProjected().setDefaultMode(DEFAULT_MODE);
        }
        if (v.getDownwardAPI() != null && v.getDownwardAPI().getDefaultMode() == null) {
            v.getDownwardAPI().setDefaultMode(DEFAULT_MODE);
        }
        if (v.getHostPath() != null && v.getHostPath().getType() == null) {
            v.getHostPath().setType("");
        }
    }

    static boolean empty(String s) {
        return s == null || s.isEmpty();
    }
}
