package dev.kapi.apiserver.admission.plugin.podsecurity;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;

import java.util.List;
import java.util.function.Consumer;

/** Pods for the PodSecurity tests: one that passes every level, changed by each case. */
final class PodFixtures {

    private PodFixtures() {
    }

    /** Pod "p" with container "c" that passes restricted at every version: the base of every case. */
    static Pod restricted() {
        return new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").endMetadata()
                .withNewSpec()
                .withSecurityContext(podContext())
                .addNewContainer().withName("c").withImage("nginx:1").withSecurityContext(restrictedContext())
                .endContainer()
                .endSpec().build();
    }

    /** The restricted pod changed by {@code change}. */
    static Pod restricted(Consumer<Pod> change) {
        Pod p = restricted();
        change.accept(p);
        return p;
    }

    /** Pod "p" with container "c" and no security settings at all. */
    static Pod plain() {
        return new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("nginx:1").endContainer().endSpec().build();
    }

    /** A privileged container "c" in pod {@code name}. */
    static Pod privileged(String name) {
        Pod p = plain();
        p.getMetadata().setName(name);
        p.getSpec().getContainers().getFirst().setSecurityContext(new SecurityContext());
        p.getSpec().getContainers().getFirst().getSecurityContext().setPrivileged(true);
        return p;
    }

    static PodSecurityContext podContext() {
        PodSecurityContext pod = new PodSecurityContext();
        pod.setRunAsNonRoot(true);
        pod.setSeccompProfile(new SeccompProfile(null, "RuntimeDefault"));
        return pod;
    }

    static SecurityContext restrictedContext() {
        SecurityContext sc = new SecurityContext();
        sc.setAllowPrivilegeEscalation(false);
        sc.setCapabilities(new Capabilities(null, List.of("ALL")));
        return sc;
    }

    static Container container(Pod p) {
        return p.getSpec().getContainers().getFirst();
    }

    static SecurityContext context(Pod p) {
        return container(p).getSecurityContext();
    }

    static PodSecurityContext podContext(Pod p) {
        return p.getSpec().getSecurityContext();
    }
}
