package dev.kapi.apiserver.admission.plugin.podsecurity;

import static dev.kapi.apiserver.admission.plugin.podsecurity.Check.baseline;
import static dev.kapi.apiserver.admission.plugin.podsecurity.Check.restricted;
import static dev.kapi.apiserver.admission.plugin.podsecurity.Check.since;
import static dev.kapi.apiserver.admission.plugin.podsecurity.Containers.joinQuote;
import static dev.kapi.apiserver.admission.plugin.podsecurity.Containers.named;
import static dev.kapi.apiserver.admission.plugin.podsecurity.Containers.nz;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a container may do beyond an ordinary process: privileged containers and capabilities beyond the default
 * set (baseline); privilege escalation, and capabilities other than dropping ALL and adding NET_BIND_SERVICE
 * (restricted; a Windows pod passes both from v1.25); an unmasked /proc (baseline, which from v1.35 allows it in
 * a user namespace, while restricted keeps refusing it).
 */
final class PrivilegeChecks {

    private static final String CAPABILITIES_BASELINE = "capabilities_baseline";
    private static final String PROC_MOUNT = "procMount";
    private static final Set<String> DEFAULT_CAPABILITIES = Set.of("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER",
            "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT");

    private PrivilegeChecks() {
    }

    static List<Check> all() {
        return List.of(
                baseline("privileged", since(0, PrivilegeChecks::privileged)),
                baseline(CAPABILITIES_BASELINE, since(0, PrivilegeChecks::capabilitiesBaseline)),
                restricted("capabilities_restricted",
                        since(22, PrivilegeChecks::capabilitiesRestricted, CAPABILITIES_BASELINE),
                        since(25, notOnWindows(PrivilegeChecks::capabilitiesRestricted), CAPABILITIES_BASELINE)),
                restricted("allowPrivilegeEscalation", since(8, PrivilegeChecks::allowPrivilegeEscalation),
                        since(25, notOnWindows(PrivilegeChecks::allowPrivilegeEscalation))),
                baseline(PROC_MOUNT, since(0, PrivilegeChecks::procMount),
                        since(35, notInUserNamespace(PrivilegeChecks::procMount))),
                restricted("procMount_restricted", since(35, PrivilegeChecks::procMount, PROC_MOUNT)));
    }

    /** From v1.25 kube lets Windows pods through the Linux-only restricted checks. */
    static Check.Rule notOnWindows(Check.Rule rule) {
        return (meta, spec) -> Containers.windows(spec) ? CheckResult.ALLOWED : rule.check(meta, spec);
    }

    /** From v1.35 kube relaxes some checks for pods in a user namespace of their own ({@code hostUsers: false}). */
    static Check.Rule notInUserNamespace(Check.Rule rule) {
        return (meta, spec) -> Containers.userNamespace(spec) ? CheckResult.ALLOWED : rule.check(meta, spec);
    }

    static CheckResult privileged(ObjectMeta meta, PodSpec spec) {
        List<String> containers = new ArrayList<>();
        for (Containers.View c : Containers.of(spec)) {
            if (Containers.isTrue(c.context().getPrivileged())) {
                containers.add(c.name());
            }
        }
        return containers.isEmpty() ? CheckResult.ALLOWED : CheckResult.forbidden("privileged",
                named(containers) + " must not set securityContext.privileged=true");
    }

    static CheckResult capabilitiesBaseline(ObjectMeta meta, PodSpec spec) {
        List<String> containers = new ArrayList<>();
        Set<String> added = new TreeSet<>();
        for (Containers.View c : Containers.of(spec)) {
            Capabilities caps = c.context().getCapabilities();
            boolean bad = false;
            for (String cap : caps == null ? List.<String>of() : nz(caps.getAdd())) {
                if (!DEFAULT_CAPABILITIES.contains(cap)) {
                    bad = true;
                    added.add(cap);
                }
            }
            if (bad) {
                containers.add(c.name());
            }
        }
        return containers.isEmpty() ? CheckResult.ALLOWED : CheckResult.forbidden("non-default capabilities",
                named(containers) + " must not include " + joinQuote(added) + " in securityContext.capabilities.add");
    }

    static CheckResult capabilitiesRestricted(ObjectMeta meta, PodSpec spec) {
        List<String> missingDropAll = new ArrayList<>();
        List<String> adding = new ArrayList<>();
        Set<String> forbidden = new TreeSet<>();
        for (Containers.View c : Containers.of(spec)) {
            Capabilities caps = c.context().getCapabilities();
            if (caps == null) {
                missingDropAll.add(c.name());
                continue;
            }
            if (!nz(caps.getDrop()).contains("ALL")) {
                missingDropAll.add(c.name());
            }
            boolean bad = false;
            for (String cap : nz(caps.getAdd())) {
                if (!"NET_BIND_SERVICE".equals(cap)) {
                    bad = true;
                    forbidden.add(cap);
                }
            }
            if (bad) {
                adding.add(c.name());
            }
        }
        List<String> details = new ArrayList<>();
        if (!missingDropAll.isEmpty()) {
            details.add(named(missingDropAll) + " must set securityContext.capabilities.drop=[\"ALL\"]");
        }
        if (!adding.isEmpty()) {
            details.add(named(adding) + " must not include " + joinQuote(forbidden)
                    + " in securityContext.capabilities.add");
        }
        return details.isEmpty() ? CheckResult.ALLOWED
                : CheckResult.forbidden("unrestricted capabilities", String.join("; ", details));
    }

    static CheckResult allowPrivilegeEscalation(ObjectMeta meta, PodSpec spec) {
        List<String> containers = new ArrayList<>();
        for (Containers.View c : Containers.of(spec)) {
            if (!Boolean.FALSE.equals(c.context().getAllowPrivilegeEscalation())) {
                containers.add(c.name());
            }
        }
        return containers.isEmpty() ? CheckResult.ALLOWED : CheckResult.forbidden("allowPrivilegeEscalation != false",
                named(containers) + " must set securityContext.allowPrivilegeEscalation=false");
    }

    static CheckResult procMount(ObjectMeta meta, PodSpec spec) {
        List<String> containers = new ArrayList<>();
        Set<String> types = new TreeSet<>();
        for (Containers.View c : Containers.of(spec)) {
            SecurityContext sc = c.context();
            if (sc.getProcMount() != null && !"Default".equals(sc.getProcMount())) {
                containers.add(c.name());
                types.add(sc.getProcMount());
            }
        }
        return containers.isEmpty() ? CheckResult.ALLOWED : CheckResult.forbidden("procMount",
                named(containers) + " must not set securityContext.procMount to " + joinQuote(types));
    }
}
