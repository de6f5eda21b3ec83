package dev.kapi.apiserver.admission.plugin.podsecurity;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Lifecycle;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What the checks read of every container of a pod, init containers first, then containers, then ephemeral
 * containers (kube's {@code visitContainers}), and the phrasing helpers kube's messages share.
 */
final class Containers {

    /** The fields of a container or an ephemeral container that the checks read. */
    record View(String name, String image, SecurityContext securityContext, List<ContainerPort> ports,
                Probe liveness, Probe readiness, Probe startup, Lifecycle lifecycle) {

        /** The security context, or an empty one (never null). */
        SecurityContext context() {
            return securityContext == null ? EMPTY_CONTEXT : securityContext;
        }
    }

    private static final SecurityContext EMPTY_CONTEXT = new SecurityContext();
    private static final PodSecurityContext EMPTY_POD_CONTEXT = new PodSecurityContext();

    private Containers() {
    }

    static List<View> of(PodSpec spec) {
        List<View> all = new ArrayList<>();
        for (Container c : nz(spec.getInitContainers())) {
            all.add(view(c));
        }
        for (Container c : nz(spec.getContainers())) {
            all.add(view(c));
        }
        for (EphemeralContainer c : nz(spec.getEphemeralContainers())) {
            all.add(new View(c.getName(), c.getImage(), c.getSecurityContext(), nz(c.getPorts()), c.getLivenessProbe(),
                    c.getReadinessProbe(), c.getStartupProbe(), c.getLifecycle()));
        }
        return all;
    }

    static View view(Container c) {
        return new View(c.getName(), c.getImage(), c.getSecurityContext(), nz(c.getPorts()), c.getLivenessProbe(),
                c.getReadinessProbe(), c.getStartupProbe(), c.getLifecycle());
    }

    /** The pod's security context, or an empty one (never null). */
    static PodSecurityContext podContext(PodSpec spec) {
        return spec.getSecurityContext() == null ? EMPTY_POD_CONTEXT : spec.getSecurityContext();
    }

    static <T> List<T> nz(List<T> list) {
        return list == null ? List.of() : list;
    }

    static boolean isTrue(Boolean b) {
        return Boolean.TRUE.equals(b);
    }

    /** Whether the pod says it runs on Windows ({@code spec.os.name: windows}). */
    static boolean windows(PodSpec spec) {
        return spec.getOs() != null && "windows".equals(spec.getOs().getName());
    }

    /** Whether the pod runs in a user namespace of its own ({@code hostUsers: false}). */
    static boolean userNamespace(PodSpec spec) {
        return Boolean.FALSE.equals(spec.getHostUsers());
    }

    /** {@code "a", "b"}. */
    static String joinQuote(Collection<String> items) {
        return items.isEmpty() ? "" : "\"" + String.join("\", \"", items) + "\"";
    }

    static String plural(String singular, String plural, int count) {
        return count == 1 ? singular : plural;
    }

    /** {@code container "a"} or {@code containers "a", "b"}. */
    static String named(List<String> containers) {
        return plural("container", "containers", containers.size()) + " " + joinQuote(containers);
    }
}
