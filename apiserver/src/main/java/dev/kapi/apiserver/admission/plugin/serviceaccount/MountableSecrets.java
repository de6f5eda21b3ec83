package dev.kapi.apiserver.admission.plugin.serviceaccount;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which secrets a pod may reference, in kube's ServiceAccount admission's words: with an account annotated
 * {@code kubernetes.io/enforce-mountable-secrets: "true"}, only the secrets the account lists (secret
 * volumes, {@code secretKeyRef} and {@code envFrom} of containers and init containers, and of ephemeral
 * containers when they are added) and its image pull secrets; a mirror pod none at all.
 */
final class MountableSecrets {

    static final String ENFORCE_ANNOTATION = "kubernetes.io/enforce-mountable-secrets";
    /** Go's {@code strconv.ParseBool} true spellings. */
    private static final Set<String> TRUE = Set.of("1", "t", "T", "TRUE", "true", "True");

    private MountableSecrets() {
    }

    static boolean enforced(ServiceAccount account) {
        Map<String, String> annotations = account.getMetadata() == null ? null : account.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(ENFORCE_ANNOTATION);
        return value != null && TRUE.contains(value);
    }

    /** Why the pod may not run as {@code account} (kube's first complaint), or null. */
    static String problem(ServiceAccount account, PodSpec spec) {
        Set<String> mountable = mountable(account);
        String sa = account.getMetadata().getName();
        for (Volume v : nn(spec.getVolumes())) {
            if (v.getSecret() != null && !mountable.contains(v.getSecret().getSecretName())) {
                return "volume with secret.secretName=\"" + v.getSecret().getSecretName()
                        + "\" is not allowed because service account " + sa + " does not reference that secret";
            }
        }
        String why = containers("init container", envOf(nn(spec.getInitContainers())), mountable, sa);
        if (why == null) {
            why = containers("container", envOf(nn(spec.getContainers())), mountable, sa);
        }
        if (why != null) {
            return why;
        }
        Set<String> pullable = new HashSet<>();
        nn(account.getImagePullSecrets()).forEach(r -> pullable.add(r.getName()));
        List<LocalObjectReference> pulls = nn(spec.getImagePullSecrets());
        for (int i = 0; i < pulls.size(); i++) {
            if (!pullable.contains(pulls.get(i).getName())) {
                return "imagePullSecrets[" + i + "].name=\"" + pulls.get(i).getName() + "\" is not allowed because"
                        + " service account " + sa + " does not reference that imagePullSecret";
            }
        }
        return null;
    }

    /**
     * Why the pod's ephemeral containers may not run as {@code account} (kube's
     * {@code limitEphemeralContainerSecretReferences}: their {@code secretKeyRef} and {@code envFrom}), or null.
     */
    static String ephemeralProblem(ServiceAccount account, PodSpec spec) {
        List<ContainerEnv> ephemeral = nn(spec.getEphemeralContainers()).stream()
                .map(c -> new ContainerEnv(c.getName(), nn(c.getEnv()), nn(c.getEnvFrom()))).toList();
        return containers("ephemeral container", ephemeral, mountable(account), account.getMetadata().getName());
    }

    private static Set<String> mountable(ServiceAccount account) {
        Set<String> mountable = new HashSet<>();
        for (ObjectReference ref : nn(account.getSecrets())) {
            mountable.add(ref.getName());
        }
        return mountable;
    }

    /** What of a container (of any kind) can name a secret in its environment. */
    private record ContainerEnv(String name, List<EnvVar> env, List<EnvFromSource> envFrom) {
    }

    private static List<ContainerEnv> envOf(List<Container> containers) {
        return containers.stream().map(c -> new ContainerEnv(c.getName(), nn(c.getEnv()), nn(c.getEnvFrom()))).toList();
    }

    private static String containers(String what, List<ContainerEnv> containers, Set<String> mountable, String sa) {
        for (ContainerEnv c : containers) {
            for (EnvVar env : c.env()) {
                if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null
                        && !mountable.contains(env.getValueFrom().getSecretKeyRef().getName())) {
                    return what + " " + c.name() + " with envVar " + env.getName()
                            + " referencing secret.secretName=\"" + env.getValueFrom().getSecretKeyRef().getName()
                            + "\" is not allowed because service account " + sa + " does not reference that secret";
                }
            }
            for (EnvFromSource from : c.envFrom()) {
                if (from.getSecretRef() != null && !mountable.contains(from.getSecretRef().getName())) {
                    return what + " " + c.name() + " with envFrom referencing secret.secretName=\""
                            + from.getSecretRef().getName() + "\" is not allowed because service account " + sa
                            + " does not reference that secret";
                }
            }
        }
        return null;
    }

    /** Why a mirror pod may not be created (kube's checks in order), or null. */
    static String mirrorPodProblem(PodSpec spec) {
        if (spec.getServiceAccountName() != null && !spec.getServiceAccountName().isEmpty()) {
            return "a mirror pod may not reference service accounts";
        }
        if (referencesSecrets(spec)) {
            return "a mirror pod may not reference secrets";
        }
        for (Volume v : nn(spec.getVolumes())) {
            if (v.getProjected() != null
                    && nn(v.getProjected().getSources()).stream().anyMatch(s -> s.getServiceAccountToken() != null)) {
                return "a mirror pod may not use ServiceAccountToken volume projections";
            }
        }
        return null;
    }

    /** kube's {@code VisitPodSecretNames} over all containers: does the pod name any secret? */
    private static boolean referencesSecrets(PodSpec spec) {
        if (!nn(spec.getImagePullSecrets()).isEmpty()) {
            return true;
        }
        List<List<EnvVar>> envs = new ArrayList<>();
        List<List<EnvFromSource>> envFroms = new ArrayList<>();
        for (Container c : nn(spec.getContainers())) {
            envs.add(nn(c.getEnv()));
            envFroms.add(nn(c.getEnvFrom()));
        }
        for (Container c : nn(spec.getInitContainers())) {
            envs.add(nn(c.getEnv()));
            envFroms.add(nn(c.getEnvFrom()));
        }
        for (EphemeralContainer c : nn(spec.getEphemeralContainers())) {
            envs.add(nn(c.getEnv()));
            envFroms.add(nn(c.getEnvFrom()));
        }
        boolean inEnv = envs.stream().flatMap(List::stream)
                .anyMatch(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                || envFroms.stream().flatMap(List::stream).anyMatch(f -> f.getSecretRef() != null);
        return inEnv || nn(spec.getVolumes()).stream().anyMatch(MountableSecrets::namesSecret);
    }

    private static boolean namesSecret(Volume v) {
        if (v.getProjected() != null
                && nn(v.getProjected().getSources()).stream().map(VolumeProjection::getSecret).anyMatch(Objects::nonNull)) {
            return true;
        }
        return v.getSecret() != null
                || v.getAzureFile() != null
                || v.getCephfs() != null && v.getCephfs().getSecretRef() != null
                || v.getCinder() != null && v.getCinder().getSecretRef() != null
                || v.getFlexVolume() != null && v.getFlexVolume().getSecretRef() != null
                || v.getIscsi() != null && v.getIscsi().getSecretRef() != null
                || v.getRbd() != null && v.getRbd().getSecretRef() != null
                || v.getScaleIO() != null && v.getScaleIO().getSecretRef() != null
                || v.getStorageos() != null && v.getStorageos().getSecretRef() != null
                || v.getCsi() != null && v.getCsi().getNodePublishSecretRef() != null;
    }

    private static <T> List<T> nn(List<T> list) {
        return list == null ? List.of() : list;
    }
}
