package dev.kapi.apiserver.admission.plugin.podsecurity;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;

import java.util.List;
import java.util.Objects;

/**
 * Which pod updates PodSecurity checks (kube's {@code isSignificantPodUpdate}). Pod validation lets an update
 * change little of the spec, so only a change of the number of (init) containers, of a container's image, or an
 * ephemeral container added or with another image is checked; metadata, status, tolerations, deadlines and the
 * like pass unchecked, even in a namespace whose pods would not pass today.
 */
final class PodUpdates {

    private PodUpdates() {
    }

    static boolean significant(Pod pod, Pod old) {
        PodSpec spec = pod.getSpec() == null ? new PodSpec() : pod.getSpec();
        PodSpec oldSpec = old.getSpec() == null ? new PodSpec() : old.getSpec();
        if (imagesChanged(Containers.nz(spec.getContainers()), Containers.nz(oldSpec.getContainers()))
                || imagesChanged(Containers.nz(spec.getInitContainers()), Containers.nz(oldSpec.getInitContainers()))) {
            return true;
        }
        List<EphemeralContainer> oldEphemeral = Containers.nz(oldSpec.getEphemeralContainers());
        for (EphemeralContainer c : Containers.nz(spec.getEphemeralContainers())) {
            EphemeralContainer before = oldEphemeral.stream().filter(o -> Objects.equals(o.getName(), c.getName()))
                    .findFirst().orElse(null);
            if (before == null || !Objects.equals(c.getImage(), before.getImage())) {
                return true;
            }
        }
        return false;
    }

    private static boolean imagesChanged(List<Container> containers, List<Container> old) {
        if (containers.size() != old.size()) {
            return true;
        }
        for (int i = 0; i < containers.size(); i++) {
            if (!Objects.equals(containers.get(i).getImage(), old.get(i).getImage())) {
                return true;
            }
        }
        return false;
    }
}
