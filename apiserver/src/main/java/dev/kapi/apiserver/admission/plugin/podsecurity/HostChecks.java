package dev.kapi.apiserver.admission.plugin.podsecurity;

import static dev.kapi.apiserver.admission.plugin.podsecurity.Check.baseline;
import static dev.kapi.apiserver.admission.plugin.podsecurity.Check.since;
import static dev.kapi.apiserver.admission.plugin.podsecurity.Containers.isTrue;
import static dev.kapi.apiserver.admission.plugin.podsecurity.Containers.joinQuote;
import static dev.kapi.apiserver.admission.plugin.podsecurity.Containers.named;
import static dev.kapi.apiserver.admission.plugin.podsecurity.Containers.plural;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Sysctl;
import io.fabric8.kubernetes.api.model.TCPSocketAction;
import io.fabric8.kubernetes.api.model.WindowsSecurityContextOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The baseline checks that keep a pod off the host: host namespaces, host ports, probe and lifecycle hosts
 * (from v1.34), Windows host processes, and unsafe sysctls (the safe set grew at v1.27, v1.29, v1.32, v1.37).
 */
final class HostChecks {

    private HostChecks() {
    }

    static List<Check> all() {
        return List.of(
                baseline("hostNamespaces", since(0, HostChecks::hostNamespaces)),
                baseline("hostPorts", since(0, HostChecks::hostPorts)),
                baseline("hostProbesAndHostLifecycle", since(34, HostChecks::probeHosts)),
                baseline("windowsHostProcess", since(0, HostChecks::windowsHostProcess)),
                baseline("sysctls", since(0, sysctls(SYSCTLS_1_0)), since(27, sysctls(SYSCTLS_1_27)),
                        since(29, sysctls(SYSCTLS_1_29)), since(32, sysctls(SYSCTLS_1_32)),
                        since(37, sysctls(SYSCTLS_1_37))));
    }

    static CheckResult hostNamespaces(ObjectMeta meta, PodSpec spec) {
        List<String> shared = new ArrayList<>();
        if (isTrue(spec.getHostNetwork())) {
            shared.add("hostNetwork=true");
        }
        if (isTrue(spec.getHostPID())) {
            shared.add("hostPID=true");
        }
        if (isTrue(spec.getHostIPC())) {
            shared.add("hostIPC=true");
        }
        return shared.isEmpty() ? CheckResult.ALLOWED
                : CheckResult.forbidden("host namespaces", String.join(", ", shared));
    }

    static CheckResult hostPorts(ObjectMeta meta, PodSpec spec) {
        List<String> containers = new ArrayList<>();
        Set<String> ports = new TreeSet<>();
        for (Containers.View c : Containers.of(spec)) {
            boolean bad = false;
            for (ContainerPort p : c.ports()) {
                if (p.getHostPort() != null && p.getHostPort() != 0) {
                    bad = true;
                    ports.add(String.valueOf(p.getHostPort()));
                }
            }
            if (bad) {
                containers.add(c.name());
            }
        }
        return containers.isEmpty() ? CheckResult.ALLOWED : CheckResult.forbidden("hostPort", named(containers) + " "
                + plural("uses", "use", containers.size()) + " " + plural("hostPort", "hostPorts", ports.size()) + " "
                + String.join(", ", ports));
    }

    static CheckResult probeHosts(ObjectMeta meta, PodSpec spec) {
        Set<String> containers = new TreeSet<>();
        Set<String> hosts = new TreeSet<>();
        for (Containers.View c : Containers.of(spec)) {
            List<String> found = new ArrayList<>();
            for (Probe p : new Probe[] {c.liveness(), c.readiness(), c.startup()}) {
                if (p != null) {
                    hosts(p.getHttpGet(), p.getTcpSocket(), found);
                }
            }
            if (c.lifecycle() != null) {
                for (LifecycleHandler h : new LifecycleHandler[] {c.lifecycle().getPostStart(),
                        c.lifecycle().getPreStop()}) {
                    if (h != null) {
                        hosts(h.getHttpGet(), h.getTcpSocket(), found);
                    }
                }
            }
            if (!found.isEmpty()) {
                containers.add(c.name());
                hosts.addAll(found);
            }
        }
        return containers.isEmpty() ? CheckResult.ALLOWED : CheckResult.forbidden("probe or lifecycle host",
                named(List.copyOf(containers)) + " " + plural("uses", "use", containers.size()) + " "
                        + plural("probe or lifecycle host", "probe or lifecycle hosts", hosts.size()) + " "
                        + joinQuote(hosts));
    }

    private static void hosts(HTTPGetAction http, TCPSocketAction tcp, List<String> found) {
        if (http != null && http.getHost() != null && !http.getHost().isEmpty()) {
            found.add(http.getHost());
        }
        if (tcp != null && tcp.getHost() != null && !tcp.getHost().isEmpty()) {
            found.add(tcp.getHost());
        }
    }

    static CheckResult windowsHostProcess(ObjectMeta meta, PodSpec spec) {
        List<String> setters = new ArrayList<>();
        if (hostProcess(Containers.podContext(spec).getWindowsOptions())) {
            setters.add("pod");
        }
        List<String> containers = new ArrayList<>();
        for (Containers.View c : Containers.of(spec)) {
            if (hostProcess(c.context().getWindowsOptions())) {
                containers.add(c.name());
            }
        }
        if (!containers.isEmpty()) {
            setters.add(named(containers));
        }
        return setters.isEmpty() ? CheckResult.ALLOWED : CheckResult.forbidden("hostProcess",
                String.join(" and ", setters) + " must not set securityContext.windowsOptions.hostProcess=true");
    }

    private static boolean hostProcess(WindowsSecurityContextOptions options) {
        return options != null && isTrue(options.getHostProcess());
    }

    static final Set<String> SYSCTLS_1_0 = Set.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
            "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start");
    static final Set<String> SYSCTLS_1_27 = union(SYSCTLS_1_0, "net.ipv4.ip_local_reserved_ports");
    static final Set<String> SYSCTLS_1_29 = union(SYSCTLS_1_27, "net.ipv4.tcp_keepalive_time",
            "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes");
    static final Set<String> SYSCTLS_1_32 = union(SYSCTLS_1_29, "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem");
    static final Set<String> SYSCTLS_1_37 = union(SYSCTLS_1_32, "net.ipv4.tcp_slow_start_after_idle",
            "net.ipv4.tcp_notsent_lowat");

    private static Set<String> union(Set<String> base, String... more) {
        Set<String> all = new TreeSet<>(base);
        all.addAll(List.of(more));
        return Set.copyOf(all);
    }

    static Check.Rule sysctls(Set<String> allowed) {
        return (meta, spec) -> {
            List<String> forbidden = new ArrayList<>();
            for (Sysctl s : Containers.nz(Containers.podContext(spec).getSysctls())) {
                if (!allowed.contains(s.getName())) {
                    forbidden.add(s.getName());
                }
            }
            return forbidden.isEmpty() ? CheckResult.ALLOWED
                    : CheckResult.forbidden("forbidden sysctls", String.join(", ", forbidden));
        };
    }
}
