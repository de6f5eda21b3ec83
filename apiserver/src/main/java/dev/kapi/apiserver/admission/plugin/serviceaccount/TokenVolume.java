package dev.kapi.apiserver.admission.plugin.serviceaccount;

import io.fabric8.kubernetes.api.model.ConfigMapProjectionBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DownwardAPIProjectionBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjectionBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.VolumeProjectionBuilder;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The projected volume kube's ServiceAccount admission gives a pod for its API access, and its mounts:
 * a bound token ({@code token}, {@value #EXPIRATION_SECONDS} s, the kubelet renews it), the cluster CA from
 * the namespace's {@code kube-root-ca.crt} ConfigMap ({@code ca.crt}) and the pod's namespace
 * ({@code namespace}), mode 0644, mounted read-only at {@value #MOUNT_PATH}.
 */
final class TokenVolume {

    static final String MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
    static final String NAME_PREFIX = "kube-api-access-";
    /** kube's {@code WarnOnlyBoundTokenExpirationSeconds}: an hour and 7 s. */
    static final long EXPIRATION_SECONDS = 3607;
    static final String ROOT_CA_CONFIG_MAP = "kube-root-ca.crt";
    private static final int DEFAULT_MODE = 0644;
    /** apiserver's name generator alphabet (no vowels, no confusable digits). */
    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private TokenVolume() {
    }

    /** {@code kube-api-access-} and 5 random characters, as kube's {@code SimpleNameGenerator}. */
    static String generateName() {
        StringBuilder b = new StringBuilder(NAME_PREFIX);
        for (int i = 0; i < 5; i++) {
            b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    /**
     * Mounts the token volume in every init container and container that has no mount at {@link #MOUNT_PATH}
     * yet, and adds the volume when one of them needed it and the pod has no {@code kube-api-access-} volume.
     */
    static void mount(PodSpec spec, Supplier<String> newName) {
        List<Volume> volumes = spec.getVolumes() == null ? new ArrayList<>() : new ArrayList<>(spec.getVolumes());
        String name = volumes.stream().map(Volume::getName)
                .filter(n -> n != null && n.startsWith(NAME_PREFIX)).findFirst().orElse(null);
        boolean hasVolume = name != null;
        if (name == null) {
            name = newName.get();
        }
        boolean needed = mountIn(spec.getInitContainers(), name);
        needed |= mountIn(spec.getContainers(), name);
        if (needed && !hasVolume) {
            volumes.add(volume(name));
            spec.setVolumes(volumes);
        }
    }

    private static boolean mountIn(List<Container> containers, String name) {
        boolean mounted = false;
        for (Container c : containers == null ? List.<Container>of() : containers) {
            List<VolumeMount> mounts = c.getVolumeMounts() == null ? new ArrayList<>()
                    : new ArrayList<>(c.getVolumeMounts());
            if (mounts.stream().anyMatch(m -> MOUNT_PATH.equals(m.getMountPath()))) {
                continue;
            }
            mounts.add(new VolumeMountBuilder().withName(name).withReadOnly(true).withMountPath(MOUNT_PATH).build());
            c.setVolumeMounts(mounts);
            mounted = true;
        }
        return mounted;
    }

    private static Volume volume(String name) {
        return new VolumeBuilder().withName(name).withNewProjected().withDefaultMode(DEFAULT_MODE)
                .withSources(
                        new VolumeProjectionBuilder().withServiceAccountToken(new ServiceAccountTokenProjectionBuilder()
                                .withPath("token").withExpirationSeconds(EXPIRATION_SECONDS).build()).build(),
                        new VolumeProjectionBuilder().withConfigMap(new ConfigMapProjectionBuilder()
                                .withName(ROOT_CA_CONFIG_MAP).addNewItem().withKey("ca.crt").withPath("ca.crt")
                                .endItem().build()).build(),
                        new VolumeProjectionBuilder().withDownwardAPI(new DownwardAPIProjectionBuilder()
                                .addNewItem().withPath("namespace").withNewFieldRef("v1", "metadata.namespace")
                                .endItem().build()).build())
                .endProjected().build();
    }
}
