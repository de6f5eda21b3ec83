package dev.kapi.apiserver.admission.plugin.podsecurity;

import static dev.kapi.apiserver.admission.plugin.podsecurity.PodFixtures.container;
import static dev.kapi.apiserver.admission.plugin.podsecurity.PodFixtures.context;
import static dev.kapi.apiserver.admission.plugin.podsecurity.PodFixtures.podContext;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.AppArmorProfile;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EphemeralContainerBuilder;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SELinuxOptions;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.Sysctl;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.WindowsSecurityContextOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Every check of the Pod Security Standards at {@code latest}, one row each: a pod that fails it (and only it)
 * is refused at the check's level and above with kube's words, allowed below; a pod that sets the same field to
 * an allowed value passes every level. Then kube's message for a pod with no security settings, and how
 * containers of every kind are named.
 */
class ChecksTest {

    private static final Evaluator EVALUATOR = new Evaluator();

    /**
     * @param failing changes the restricted pod so that it fails the check
     * @param detail what baseline says (null: baseline allows it)
     * @param restrictedDetail what restricted says
     * @param passing changes the restricted pod to set the check's field to an allowed value
     */
    record Case(String check, Consumer<Pod> failing, String detail, String restrictedDetail, Consumer<Pod> passing) {
        @Override
        public String toString() {
            return check;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                baseline("hostNamespaces", p -> {
                    p.getSpec().setHostNetwork(true);
                    p.getSpec().setHostPID(true);
                }, "host namespaces (hostNetwork=true, hostPID=true)", p -> p.getSpec().setHostIPC(false)),
                baseline("privileged", p -> context(p).setPrivileged(true),
                        "privileged (container \"c\" must not set securityContext.privileged=true)",
                        p -> context(p).setPrivileged(false)),
                new Case("capabilities_baseline", p -> context(p).getCapabilities().setAdd(List.of("SYS_ADMIN", "NET_RAW")),
                        "non-default capabilities (container \"c\" must not include \"NET_RAW\", \"SYS_ADMIN\" in"
                                + " securityContext.capabilities.add)",
                        "unrestricted capabilities (container \"c\" must not include \"NET_RAW\", \"SYS_ADMIN\" in"
                                + " securityContext.capabilities.add)",
                        p -> context(p).getCapabilities().setAdd(List.of("NET_BIND_SERVICE"))),
                restricted("capabilities_restricted", p -> context(p).setCapabilities(new Capabilities(List.of("CHOWN"),
                                List.of("NET_RAW"))),
                        "unrestricted capabilities (container \"c\" must set securityContext.capabilities.drop=[\"ALL\"];"
                                + " container \"c\" must not include \"CHOWN\" in securityContext.capabilities.add)",
                        p -> context(p).setCapabilities(new Capabilities(List.of("NET_BIND_SERVICE"), List.of("ALL")))),
                new Case("hostPathVolumes", p -> p.getSpec().setVolumes(List.of(new VolumeBuilder().withName("host")
                                .withNewHostPath().withPath("/var").endHostPath().build())),
                        "hostPath volumes (volume \"host\")",
                        "restricted volume types (volume \"host\" uses restricted volume type \"hostPath\")",
                        p -> p.getSpec().setVolumes(List.of(new VolumeBuilder().withName("tmp").withNewEmptyDir()
                                .endEmptyDir().build()))),
                restricted("restrictedVolumes", p -> p.getSpec().setVolumes(List.of(
                                new VolumeBuilder().withName("data").withNewNfs().withServer("nfs").withPath("/")
                                        .endNfs().build(),
                                new VolumeBuilder().withName("repo").withNewGitRepo().withRepository("r").endGitRepo()
                                        .build())),
                        "restricted volume types (volumes \"data\", \"repo\" use restricted volume types \"gitRepo\","
                                + " \"nfs\")",
                        p -> p.getSpec().setVolumes(List.of(new VolumeBuilder().withName("claim")
                                .withNewPersistentVolumeClaim().withClaimName("c").endPersistentVolumeClaim().build()))),
                baseline("hostPorts", p -> container(p).setPorts(List.of(port(80, 8080), port(443, 8443))),
                        "hostPort (container \"c\" uses hostPorts 8080, 8443)",
                        p -> container(p).setPorts(List.of(port(80, 0)))),
                baseline("hostProbesAndHostLifecycle", p -> container(p).setLivenessProbe(probe("10.0.0.1")),
                        "probe or lifecycle host (container \"c\" uses probe or lifecycle host \"10.0.0.1\")",
                        p -> container(p).setLivenessProbe(probe(""))),
                baseline("appArmorProfile", p -> podContext(p).setAppArmorProfile(new AppArmorProfile(null, "Unconfined")),
                        "forbidden AppArmor profile (pod must not set AppArmor profile type to \"Unconfined\")",
                        p -> podContext(p).setAppArmorProfile(new AppArmorProfile("k8s-nginx", "Localhost"))),
                baseline("appArmorProfile annotation", p -> p.getMetadata().setAnnotations(Map.of(
                                "container.apparmor.security.beta.kubernetes.io/c", "unconfined")),
                        "forbidden AppArmor profile (annotation must not set AppArmor profile type to"
                                + " \"container.apparmor.security.beta.kubernetes.io/c=\"unconfined\"\")",
                        p -> p.getMetadata().setAnnotations(Map.of("container.apparmor.security.beta.kubernetes.io/c",
                                "runtime/default"))),
                baseline("seLinuxOptions", p -> context(p).setSeLinuxOptions(seLinux("spc_t", "root")),
                        "seLinuxOptions (container \"c\" set forbidden securityContext.seLinuxOptions: type \"spc_t\";"
                                + " user may not be set)",
                        p -> context(p).setSeLinuxOptions(seLinux("container_t", null))),
                baseline("procMount", p -> context(p).setProcMount("Unmasked"),
                        "procMount (container \"c\" must not set securityContext.procMount to \"Unmasked\")",
                        p -> context(p).setProcMount("Default")),
                baseline("seccompProfile_baseline", p -> podContext(p).setSeccompProfile(new SeccompProfile(null,
                                "Unconfined")),
                        "seccompProfile (pod must not set securityContext.seccompProfile.type to \"Unconfined\")",
                        p -> context(p).setSeccompProfile(new SeccompProfile("profile.json", "Localhost"))),
                restricted("seccompProfile_restricted", p -> podContext(p).setSeccompProfile(null),
                        "seccompProfile (pod or container \"c\" must set securityContext.seccompProfile.type to"
                                + " \"RuntimeDefault\" or \"Localhost\")",
                        p -> {
                            podContext(p).setSeccompProfile(null);
                            context(p).setSeccompProfile(new SeccompProfile(null, "RuntimeDefault"));
                        }),
                baseline("sysctls", p -> podContext(p).setSysctls(List.of(new Sysctl("kernel.msgmax", "1"),
                                new Sysctl("net.ipv4.tcp_syncookies", "1"), new Sysctl("vm.swappiness", "1"))),
                        "forbidden sysctls (kernel.msgmax, vm.swappiness)",
                        p -> podContext(p).setSysctls(List.of(new Sysctl("net.ipv4.tcp_keepalive_time", "60")))),
                baseline("windowsHostProcess", p -> podContext(p).setWindowsOptions(hostProcess(true)),
                        "hostProcess (pod must not set securityContext.windowsOptions.hostProcess=true)",
                        p -> podContext(p).setWindowsOptions(hostProcess(false))),
                restricted("allowPrivilegeEscalation", p -> context(p).setAllowPrivilegeEscalation(null),
                        "allowPrivilegeEscalation != false (container \"c\" must set"
                                + " securityContext.allowPrivilegeEscalation=false)",
                        p -> context(p).setAllowPrivilegeEscalation(false)),
                restricted("runAsNonRoot", p -> podContext(p).setRunAsNonRoot(false),
                        "runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)",
                        p -> {
                            podContext(p).setRunAsNonRoot(null);
                            context(p).setRunAsNonRoot(true);
                        }),
                restricted("runAsUser", p -> context(p).setRunAsUser(0L),
                        "runAsUser=0 (container \"c\" must not set runAsUser=0)", p -> context(p).setRunAsUser(1000L)),
                restricted("procMount_restricted", p -> {
                            p.getSpec().setHostUsers(false);
                            context(p).setProcMount("Unmasked");
                        }, "procMount (container \"c\" must not set securityContext.procMount to \"Unmasked\")",
                        p -> {
                            p.getSpec().setHostUsers(false);
                            context(p).setProcMount("Default");
                        }));
    }

    private static Case baseline(String check, Consumer<Pod> failing, String detail, Consumer<Pod> passing) {
        return new Case(check, failing, detail, detail, passing);
    }

    private static Case restricted(String check, Consumer<Pod> failing, String detail, Consumer<Pod> passing) {
        return new Case(check, failing, null, detail, passing);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aPodFailingTheCheckIsRefusedAtItsLevelAndAbove(Case c) {
        Pod failing = PodFixtures.restricted(c.failing());
        assertThat(verdict(Level.PRIVILEGED, failing).allowed()).isTrue();
        CheckResult.Aggregate baseline = verdict(Level.BASELINE, failing);
        if (c.detail() == null) {
            assertThat(baseline.allowed()).as(baseline.details()).isTrue();
        } else {
            assertThat(baseline.details()).isEqualTo(c.detail());
        }
        assertThat(verdict(Level.RESTRICTED, failing).details()).isEqualTo(c.restrictedDetail());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void anAllowedValuePassesEveryLevel(Case c) {
        Pod passing = PodFixtures.restricted(c.passing());
        for (Level level : Level.values()) {
            assertThat(verdict(level, passing).details()).as(level.toString()).isEmpty();
        }
    }

    @Test
    void aPodWithoutSecuritySettingsPassesBaselineAndFailsRestrictedInKubesWords() {
        Pod plain = PodFixtures.plain();
        assertThat(verdict(Level.BASELINE, plain).allowed()).isTrue();
        CheckResult.Aggregate restricted = verdict(Level.RESTRICTED, plain);
        assertThat(restricted.details()).isEqualTo("allowPrivilegeEscalation != false (container \"c\" must set"
                + " securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container \"c\" must set"
                + " securityContext.capabilities.drop=[\"ALL\"]), runAsNonRoot != true (pod or container \"c\" must set"
                + " securityContext.runAsNonRoot=true), seccompProfile (pod or container \"c\" must set"
                + " securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")");
        assertThat(restricted.reasons()).isEqualTo("allowPrivilegeEscalation != false, unrestricted capabilities,"
                + " runAsNonRoot != true, seccompProfile");
    }

    @Test
    void initAndEphemeralContainersAreCheckedAndNamedInOrder() {
        Pod p = PodFixtures.privileged("p");
        p.getSpec().setInitContainers(List.of(new ContainerBuilder().withName("init").withImage("busybox")
                .withNewSecurityContext().withPrivileged(true).endSecurityContext().build()));
        p.getSpec().setEphemeralContainers(List.of(new EphemeralContainerBuilder().withName("debug")
                .withImage("busybox").withNewSecurityContext().withPrivileged(true).endSecurityContext().build()));
        assertThat(verdict(Level.BASELINE, p).details()).isEqualTo("privileged (containers \"init\", \"c\", \"debug\""
                + " must not set securityContext.privileged=true)");
    }

    @Test
    void severalBaselineViolationsAreListedInKubesOrder() {
        Pod p = PodFixtures.privileged("p");
        p.getSpec().setHostPID(true);
        container(p).setPorts(List.of(port(80, 80)));
        p.getSpec().setVolumes(List.of(new VolumeBuilder().withName("root").withNewHostPath().withPath("/")
                .endHostPath().build()));
        assertThat(verdict(Level.BASELINE, p).reasons()).isEqualTo("host namespaces, hostPath volumes, hostPort,"
                + " privileged");
    }

    private static CheckResult.Aggregate verdict(Level level, Pod p) {
        return EVALUATOR.aggregate(new LevelVersion(level, PolicyVersion.LATEST), p.getMetadata(), p.getSpec());
    }

    static ContainerPort port(int containerPort, int hostPort) {
        ContainerPort p = new ContainerPort();
        p.setContainerPort(containerPort);
        p.setHostPort(hostPort == 0 ? null : hostPort);
        return p;
    }

    static Probe probe(String host) {
        Probe probe = new Probe();
        HTTPGetAction get = new HTTPGetAction();
        get.setHost(host);
        get.setPath("/healthz");
        probe.setHttpGet(get);
        return probe;
    }

    static SELinuxOptions seLinux(String type, String user) {
        SELinuxOptions o = new SELinuxOptions();
        o.setType(type);
        o.setUser(user);
        o.setLevel("s0:c123,c456");
        return o;
    }

    static WindowsSecurityContextOptions hostProcess(boolean hostProcess) {
        WindowsSecurityContextOptions o = new WindowsSecurityContextOptions();
        o.setHostProcess(hostProcess);
        return o;
    }
}
