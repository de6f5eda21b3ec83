package dev.kapi.apiserver.admission.plugin.podsecurity;

import static dev.kapi.apiserver.admission.plugin.podsecurity.Check.baseline;
import static dev.kapi.apiserver.admission.plugin.podsecurity.Check.restricted;
import static dev.kapi.apiserver.admission.plugin.podsecurity.Check.since;
import static dev.kapi.apiserver.admission.plugin.podsecurity.Containers.joinQuote;
import static dev.kapi.apiserver.admission.plugin.podsecurity.Containers.named;
import static dev.kapi.apiserver.admission.plugin.podsecurity.Containers.plural;
import static dev.kapi.apiserver.admission.plugin.podsecurity.PrivilegeChecks.notOnWindows;

import dev.kapi.apiserver.api.GoQuote;
import io.fabric8.kubernetes.api.model.AppArmorProfile;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SELinuxOptions;
import io.fabric8.kubernetes.api.model.SeccompProfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The kernel security profiles (baseline): AppArmor only RuntimeDefault or Localhost (fields and the beta
 * annotations); SELinux only container types (container_engine_t from v1.31) and no user or role; seccomp only
 * RuntimeDefault or Localhost (the alpha annotations before v1.19, the fields from then on). Restricted requires
 * a seccomp profile for every container (a Windows pod passes from v1.25).
 */
final class ProfileChecks {

    private static final String SECCOMP_BASELINE = "seccompProfile_baseline";
    private static final String APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";
    private static final String SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod";
    private static final String SECCOMP_CONTAINER_ANNOTATION_PREFIX = "container.seccomp.security.alpha.kubernetes.io/";
    private static final Set<String> SELINUX_TYPES_1_0 = Set.of("", "container_t", "container_init_t",
            "container_kvm_t");
    private static final Set<String> SELINUX_TYPES_1_31 = Set.of("", "container_t", "container_init_t",
            "container_kvm_t", "container_engine_t");

    private ProfileChecks() {
    }

    static List<Check> all() {
        return List.of(
                baseline("appArmorProfile", since(0, ProfileChecks::appArmor)),
                baseline("seLinuxOptions", since(0, seLinux(SELINUX_TYPES_1_0)), since(31, seLinux(SELINUX_TYPES_1_31))),
                baseline(SECCOMP_BASELINE, since(0, ProfileChecks::seccompAnnotations),
                        since(19, ProfileChecks::seccompBaseline)),
                restricted("seccompProfile_restricted", since(19, ProfileChecks::seccompRestricted, SECCOMP_BASELINE),
                        since(25, notOnWindows(ProfileChecks::seccompRestricted), SECCOMP_BASELINE)));
    }

    static CheckResult appArmor(ObjectMeta meta, PodSpec spec) {
        List<String> setters = new ArrayList<>();
        Set<String> values = new TreeSet<>();
        AppArmorProfile pod = Containers.podContext(spec).getAppArmorProfile();
        if (pod != null && !allowedAppArmor(pod.getType())) {
            setters.add("pod");
            values.add(nz(pod.getType()));
        }
        List<String> containers = new ArrayList<>();
        for (Containers.View c : Containers.of(spec)) {
            AppArmorProfile p = c.context().getAppArmorProfile();
            if (p != null && !allowedAppArmor(p.getType())) {
                containers.add(c.name());
                values.add(nz(p.getType()));
            }
        }
        if (!containers.isEmpty()) {
            setters.add(named(containers));
        }
        List<String> annotations = new ArrayList<>();
        for (Map.Entry<String, String> e : annotations(meta).entrySet()) {
            String v = nz(e.getValue());
            if (e.getKey().startsWith(APPARMOR_ANNOTATION_PREFIX)
                    && !(v.isEmpty() || v.equals("runtime/default") || v.startsWith("localhost/"))) {
                annotations.add(e.getKey() + "=" + GoQuote.quote(v));
            }
        }
        List<String> bad = new ArrayList<>(values);
        if (!annotations.isEmpty()) {
            annotations.sort(null);
            bad.addAll(annotations);
            setters.add(plural("annotation", "annotations", annotations.size()));
        }
        return setters.isEmpty() ? CheckResult.ALLOWED : CheckResult.forbidden(
                plural("forbidden AppArmor profile", "forbidden AppArmor profiles", bad.size()),
                String.join(" and ", setters) + " must not set AppArmor profile type to " + joinQuote(bad));
    }

    private static boolean allowedAppArmor(String type) {
        return "RuntimeDefault".equals(type) || "Localhost".equals(type);
    }

    static Check.Rule seLinux(Set<String> allowedTypes) {
        return (meta, spec) -> {
            Set<String> badTypes = new TreeSet<>();
            boolean[] userOrRole = new boolean[2];
            List<String> setters = new ArrayList<>();
            SELinuxOptions pod = Containers.podContext(spec).getSeLinuxOptions();
            if (pod != null && !validSeLinux(pod, allowedTypes, badTypes, userOrRole)) {
                setters.add("pod");
            }
            List<String> containers = new ArrayList<>();
            for (Containers.View c : Containers.of(spec)) {
                SELinuxOptions o = c.context().getSeLinuxOptions();
                if (o != null && !validSeLinux(o, allowedTypes, badTypes, userOrRole)) {
                    containers.add(c.name());
                }
            }
            if (!containers.isEmpty()) {
                setters.add(named(containers));
            }
            if (setters.isEmpty()) {
                return CheckResult.ALLOWED;
            }
            List<String> what = new ArrayList<>();
            if (!badTypes.isEmpty()) {
                what.add(plural("type", "types", badTypes.size()) + " " + joinQuote(badTypes));
            }
            if (userOrRole[0]) {
                what.add("user may not be set");
            }
            if (userOrRole[1]) {
                what.add("role may not be set");
            }
            return CheckResult.forbidden("seLinuxOptions", String.join(" and ", setters)
                    + " set forbidden securityContext.seLinuxOptions: " + String.join("; ", what));
        };
    }

    private static boolean validSeLinux(SELinuxOptions o, Set<String> allowedTypes, Set<String> badTypes,
                                        boolean[] userOrRole) {
        boolean valid = true;
        String type = nz(o.getType());
        if (!allowedTypes.contains(type)) {
            valid = false;
            badTypes.add(type);
        }
        if (!nz(o.getUser()).isEmpty()) {
            valid = false;
            userOrRole[0] = true;
        }
        if (!nz(o.getRole()).isEmpty()) {
            valid = false;
            userOrRole[1] = true;
        }
        return valid;
    }

    /** Before v1.19: the alpha annotations may name only runtime/default, docker/default or localhost/*. */
    static CheckResult seccompAnnotations(ObjectMeta meta, PodSpec spec) {
        Map<String, String> annotations = annotations(meta);
        Set<String> forbidden = new TreeSet<>();
        String pod = annotations.get(SECCOMP_POD_ANNOTATION);
        if (pod != null && !validSeccompAnnotation(pod)) {
            forbidden.add(SECCOMP_POD_ANNOTATION + "=" + GoQuote.quote(pod));
        }
        for (Containers.View c : Containers.of(spec)) {
            String key = SECCOMP_CONTAINER_ANNOTATION_PREFIX + c.name();
            String value = annotations.get(key);
            if (value != null && !validSeccompAnnotation(value)) {
                forbidden.add(key + "=" + GoQuote.quote(value));
            }
        }
        return forbidden.isEmpty() ? CheckResult.ALLOWED : CheckResult.forbidden("seccompProfile", "forbidden "
                + plural("annotation", "annotations", forbidden.size()) + " " + String.join(", ", forbidden));
    }

    private static boolean validSeccompAnnotation(String v) {
        return v.equals("runtime/default") || v.equals("docker/default") || v.startsWith("localhost/");
    }

    static CheckResult seccompBaseline(ObjectMeta meta, PodSpec spec) {
        return seccomp(spec, false);
    }

    static CheckResult seccompRestricted(ObjectMeta meta, PodSpec spec) {
        return seccomp(spec, true);
    }

    /** Explicitly bad profiles fail both levels; restricted also fails containers left without a profile. */
    private static CheckResult seccomp(PodSpec spec, boolean required) {
        List<String> setters = new ArrayList<>();
        Set<String> values = new TreeSet<>();
        boolean podSet = false;
        SeccompProfile pod = Containers.podContext(spec).getSeccompProfile();
        if (pod != null) {
            if (validSeccomp(pod.getType())) {
                podSet = true;
            } else {
                setters.add("pod");
                values.add(nz(pod.getType()));
            }
        }
        List<String> explicit = new ArrayList<>();
        List<String> implicit = new ArrayList<>();
        for (Containers.View c : Containers.of(spec)) {
            SeccompProfile p = c.context().getSeccompProfile();
            if (p != null) {
                if (!validSeccomp(p.getType())) {
                    explicit.add(c.name());
                    values.add(nz(p.getType()));
                }
            } else if (!podSet) {
                implicit.add(c.name());
            }
        }
        if (!explicit.isEmpty()) {
            setters.add(named(explicit));
        }
        if (!setters.isEmpty()) {
            return CheckResult.forbidden("seccompProfile", String.join(" and ", setters)
                    + " must not set securityContext.seccompProfile.type to " + joinQuote(values));
        }
        return !required || implicit.isEmpty() ? CheckResult.ALLOWED : CheckResult.forbidden("seccompProfile",
                "pod or " + named(implicit)
                        + " must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"");
    }

    private static boolean validSeccomp(String type) {
        return "RuntimeDefault".equals(type) || "Localhost".equals(type);
    }

    private static Map<String, String> annotations(ObjectMeta meta) {
        return meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
