package dev.kapi.apiserver.admission.plugin.podsecurity;

import static dev.kapi.apiserver.admission.plugin.podsecurity.Check.restricted;
import static dev.kapi.apiserver.admission.plugin.podsecurity.Check.since;
import static dev.kapi.apiserver.admission.plugin.podsecurity.Containers.named;
import static dev.kapi.apiserver.admission.plugin.podsecurity.PrivilegeChecks.notInUserNamespace;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * Which user containers run as (restricted): runAsNonRoot must be true (for the pod, or for every container),
 * and runAsUser must not be 0 (from v1.23). From v1.35 a pod in a user namespace of its own passes both.
 */
final class UserChecks {

    private UserChecks() {
    }

    static List<Check> all() {
        return List.of(
                restricted("runAsNonRoot", since(0, UserChecks::runAsNonRoot),
                        since(35, notInUserNamespace(UserChecks::runAsNonRoot))),
                restricted("runAsUser", since(23, UserChecks::runAsUser),
                        since(35, notInUserNamespace(UserChecks::runAsUser))));
    }

    static CheckResult runAsNonRoot(ObjectMeta meta, PodSpec spec) {
        List<String> setters = new ArrayList<>();
        PodSecurityContext pod = Containers.podContext(spec);
        boolean podNonRoot = false;
        if (pod.getRunAsNonRoot() != null) {
            if (pod.getRunAsNonRoot()) {
                podNonRoot = true;
            } else {
                setters.add("pod");
            }
        }
        List<String> explicit = new ArrayList<>();
        List<String> implicit = new ArrayList<>();
        for (Containers.View c : Containers.of(spec)) {
            Boolean nonRoot = c.context().getRunAsNonRoot();
            if (nonRoot != null) {
                if (!nonRoot) {
                    explicit.add(c.name());
                }
            } else if (!podNonRoot) {
                implicit.add(c.name());
            }
        }
        if (!explicit.isEmpty()) {
            setters.add(named(explicit));
        }
        if (!setters.isEmpty()) {
            return CheckResult.forbidden("runAsNonRoot != true",
                    String.join(" and ", setters) + " must not set securityContext.runAsNonRoot=false");
        }
        return implicit.isEmpty() ? CheckResult.ALLOWED : CheckResult.forbidden("runAsNonRoot != true",
                "pod or " + named(implicit) + " must set securityContext.runAsNonRoot=true");
    }

    static CheckResult runAsUser(ObjectMeta meta, PodSpec spec) {
        List<String> setters = new ArrayList<>();
        Long podUser = Containers.podContext(spec).getRunAsUser();
        if (podUser != null && podUser == 0) {
            setters.add("pod");
        }
        List<String> containers = new ArrayList<>();
        for (Containers.View c : Containers.of(spec)) {
            Long user = c.context().getRunAsUser();
            if (user != null && user == 0) {
                containers.add(c.name());
            }
        }
        if (!containers.isEmpty()) {
            setters.add(named(containers));
        }
        return setters.isEmpty() ? CheckResult.ALLOWED : CheckResult.forbidden("runAsUser=0",
                String.join(" and ", setters) + " must not set runAsUser=0");
    }
}
