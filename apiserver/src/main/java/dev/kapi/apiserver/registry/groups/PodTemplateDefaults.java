package dev.kapi.apiserver.registry.groups;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Volume;

import java.util.List;

/**
 * The core/v1 defaults kube-apiserver applies to a pod template inside a workload (deployment, job, ...):
 * restartPolicy Always, dnsPolicy ClusterFirst, terminationGracePeriodSeconds 30, schedulerName
 * default-scheduler, an empty securityContext; per container imagePullPolicy (Always for ":latest" or no
 * tag, else IfNotPresent), terminationMessagePath/Policy, port protocol TCP, probe timings, env fieldRef
 * apiVersion v1; volume defaultMode 420 (0644).
 */
public final class PodTemplateDefaults {

    private static final int DEFAULT_MODE = 420;

    private PodTemplateDefaults() {
    }

    public static void apply(PodTemplateSpec template) {
        if (template == null) {
            return;
        }
        if (template.getMetadata() == null) {
            template.setMetadata(new ObjectMeta());
        }
        if (template.getSpec() == null) {
            template.setSpec(new PodSpec());
        }
        applySpec(template.getSpec());
    }

    static void applySpec(PodSpec spec) {
        if (spec.getRestartPolicy() == null || spec.getRestartPolicy().isEmpty()) {
            spec.setRestartPolicy("Always");
        }
        if (spec.getDnsPolicy() == null || spec.getDnsPolicy().isEmpty()) {
            spec.setDnsPolicy("ClusterFirst");
        }
        if (spec.getTerminationGracePeriodSeconds() == null) {
            spec.setTerminationGracePeriodSeconds(30L);
        }
        if (spec.getSecurityContext() == null) {
            spec.setSecurityContext(new PodSecurityContext());
        }
        if (spec.getSchedulerName() == null || spec.getSchedulerName().isEmpty()) {
            spec.setSchedulerName("default-scheduler");
        }
        containers(spec.getContainers());
        containers(spec.getInitContainers());
        if (spec.getVolumes() != null) {
            spec.getVolumes().forEach(PodTemplateDefaults::volume);
        }
    }

    private static void containers(List<Container> containers) {
        if (containers != null) {
            containers.forEach(PodTemplateDefaults::container);
        }
    }

    static void container(Container c) {
        if (c.getImagePullPolicy() == null || c.getImagePullPolicy().isEmpty()) {
            c.setImagePullPolicy(pullPolicyFor(c.getImage()));
        }
        if (c.getTerminationMessagePath() == null || c.getTerminationMessagePath().isEmpty()) {
            c.setTerminationMessagePath("/dev/termination-log");
        }
        if (c.getTerminationMessagePolicy() == null || c.getTerminationMessagePolicy().isEmpty()) {
            c.setTerminationMessagePolicy("File");
        }
        if (c.getPorts() != null) {
            for (ContainerPort p : c.getPorts()) {
                if (p.getProtocol() == null || p.getProtocol().isEmpty()) {
                    p.setProtocol("TCP");
                }
            }
        }
        if (c.getEnv() != null) {
            for (EnvVar e : c.getEnv()) {
                if (e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null
                        && (e.getValueFrom().getFieldRef().getApiVersion() == null
                        || e.getValueFrom().getFieldRef().getApiVersion().isEmpty())) {
                    e.getValueFrom().getFieldRef().setApiVersion("v1");
                }
            }
        }
        probe(c.getLivenessProbe());
        probe(c.getReadinessProbe());
        probe(c.getStartupProbe());
    }

    /** Always for an image tagged {@code latest} or untagged (without digest), else IfNotPresent. */
    static String pullPolicyFor(String image) {
        if (image == null) {
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
            if (p.getHttpGet().getPath() == null || p.getHttpGet().getPath().isEmpty()) {
                p.getHttpGet().setPath("/");
            }
            if (p.getHttpGet().getScheme() == null || p.getHttpGet().getScheme().isEmpty()) {
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
        if (v.getDownwardAPI() != null && v.getDownwardAPI().getDefaultMode() == null) {
            v.getDownwardAPI().setDefaultMode(DEFAULT_MODE);
        }
        if (v.getProjected() != null && v.getProjected().getDefaultMode() == null) {
            v.getProjected().setDefaultMode(DEFAULT_MODE);
        }
        if (v.getHostPath() != null && v.getHostPath().getType() == null) {
            v.getHostPath().setType("");
        }
    }
}
