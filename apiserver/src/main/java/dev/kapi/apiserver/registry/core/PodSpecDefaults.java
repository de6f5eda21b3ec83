package dev.kapi.apiserver.registry.core;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Volume;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The defaults kube-apiserver gives a pod spec, in pods and in pod templates alike
 * ({@code pkg/apis/core/v1/defaults.go}: {@code SetDefaults_PodSpec}, {@code _Container}, {@code _Probe}, ...).
 */
final class PodSpecDefaults {

    private PodSpecDefaults() {
    }

    static void apply(PodSpec spec) {
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
        if (spec.getEnableServiceLinks() == null) {
            spec.setEnableServiceLinks(true);
        }
        if (empty(spec.getServiceAccountName()) && !empty(spec.getServiceAccount())) {
            spec.setServiceAccountName(spec.getServiceAccount());
        }
        if (empty(spec.getServiceAccount()) && !empty(spec.getServiceAccountName())) {
            spec.setServiceAccount(spec.getServiceAccountName());
        }
        boolean hostNetwork = Boolean.TRUE.equals(spec.getHostNetwork());
        for (List<Container> list : containerLists(spec)) {
            for (Container c : list) {
                container(c, hostNetwork);
            }
        }
        if (spec.getVolumes() != null) {
            spec.getVolumes().forEach(PodSpecDefaults::volume);
        }
    }

    /** Pods only ({@code SetDefaults_Pod}): requests default to limits where a limit is set and a request is not. */
    static void requestsFromLimits(PodSpec spec) {
        if (spec == null) {
            return;
        }
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

    private static void container(Container c, boolean hostNetwork) {
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
                if (hostNetwork && (p.getHostPort() == null || p.getHostPort() == 0)) {
                    p.setHostPort(p.getContainerPort());
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

    /** Always for ":latest" or an untagged image, else IfNotPresent (digests count as tags). */
    static String pullPolicy(String image) {
        if (image == null || image.isEmpty()) {
            return "IfNotPresent";
        }
        if (image.contains("@")) {
            return "IfNotPresent";
        }
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        if (colon <= slash) {
            return "Always";
        }
        return image.substring(colon + 1).equals("latest") ? "Always" : "IfNotPresent";
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
            v.getSecret().setDefaultMode(0644);
        }
        if (v.getConfigMap() != null && v.getConfigMap().getDefaultMode() == null) {
            v.getConfigMap().setDefaultMode(0644);
        }
        if (v.getProjected() != null && v.getProjected().getDefaultMode() == null) {
            v.getProjected().setDefaultMode(0644);
        }
        if (v.getDownwardAPI() != null && v.getDownwardAPI().getDefaultMode() == null) {
            v.getDownwardAPI().setDefaultMode(0644);
        }
        if (v.getHostPath() != null && v.getHostPath().getType() == null) {
            v.getHostPath().setType("");
        }
    }

    static boolean empty(String s) {
        return s == null || s.isEmpty();
    }
}
