package dev.kapi.apiserver.admission.plugin.podsecurity;

import static dev.kapi.apiserver.admission.plugin.podsecurity.ChecksTest.probe;
import static dev.kapi.apiserver.admission.plugin.podsecurity.ChecksTest.seLinux;
import static dev.kapi.apiserver.admission.plugin.podsecurity.PodFixtures.container;
import static dev.kapi.apiserver.admission.plugin.podsecurity.PodFixtures.context;
import static dev.kapi.apiserver.admission.plugin.podsecurity.PodFixtures.podContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PodOS;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.Sysctl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The version label's meaning: each check as it was at the policy version asked for, the versions where kube
 * changed a check (the row's version allows, the next forbids or the other way round), versions after the newest
 * meaning the newest, and an emulated release capping {@code latest}.
 */
class EvaluatorVersionsTest {

    private static final Evaluator CURRENT = new Evaluator();

    @ParameterizedTest(name = "{0}: {1} {2} -> {3}")
    @CsvSource(delimiter = '|', value = {
            // change                  | level      | version | allowed
            "reservedPortsSysctl       | baseline   | v1.26   | false",
            "reservedPortsSysctl       | baseline   | v1.27   | true",
            "keepaliveSysctl           | baseline   | v1.28   | false",
            "keepaliveSysctl           | baseline   | v1.29   | true",
            "tcpMemorySysctl           | baseline   | v1.31   | false",
            "tcpMemorySysctl           | baseline   | v1.32   | true",
            "slowStartSysctl           | baseline   | v1.36   | false",
            "slowStartSysctl           | baseline   | v1.37   | true",
            "slowStartSysctl           | baseline   | latest  | true",
            "noDropAll                 | restricted | v1.21   | true",
            "noDropAll                 | restricted | v1.22   | false",
            "runAsRoot                 | restricted | v1.22   | true",
            "runAsRoot                 | restricted | v1.23   | false",
            "escalation                | restricted | v1.7    | true",
            "escalation                | restricted | v1.8    | false",
            "seccompAnnotation         | baseline   | v1.18   | false",
            "seccompAnnotation         | baseline   | v1.19   | true",
            "seccompFieldUnconfined    | baseline   | v1.18   | true",
            "seccompFieldUnconfined    | baseline   | v1.19   | false",
            "seccompFieldUnset         | restricted | v1.18   | true",
            "seccompFieldUnset         | restricted | v1.19   | false",
            "windowsWithoutLinuxFields | restricted | v1.24   | false",
            "windowsWithoutLinuxFields | restricted | v1.25   | true",
            "containerEngineSeLinux    | baseline   | v1.30   | false",
            "containerEngineSeLinux    | baseline   | v1.31   | true",
            "probeHost                 | baseline   | v1.33   | true",
            "probeHost                 | baseline   | v1.34   | false",
            "userNamespaceRoot         | restricted | v1.34   | false",
            "userNamespaceRoot         | restricted | v1.35   | true",
            "userNamespaceProcMount    | baseline   | v1.34   | false",
            "userNamespaceProcMount    | baseline   | v1.35   | true",
            "userNamespaceProcMount    | restricted | v1.35   | false",
            "probeHost                 | baseline   | v1.99   | false",
            "probeHost                 | baseline   | v1.0    | true",
    })
    void eachCheckAsItWasAtTheVersion(String change, String level, String version, boolean allowed) {
        Pod pod = PodFixtures.restricted(CHANGES.get(change));
        LevelVersion lv = new LevelVersion(Level.parse(level).orElseThrow(), PolicyVersion.parse(version).orElseThrow());
        CheckResult.Aggregate verdict = CURRENT.aggregate(lv, pod.getMetadata(), pod.getSpec());
        assertThat(verdict.allowed()).as(verdict.details()).isEqualTo(allowed);
    }

    private static final Map<String, Consumer<Pod>> CHANGES = Map.ofEntries(
            Map.entry("reservedPortsSysctl", sysctl("net.ipv4.ip_local_reserved_ports")),
            Map.entry("keepaliveSysctl", sysctl("net.ipv4.tcp_keepalive_probes")),
            Map.entry("tcpMemorySysctl", sysctl("net.ipv4.tcp_rmem")),
            Map.entry("slowStartSysctl", sysctl("net.ipv4.tcp_slow_start_after_idle")),
            Map.entry("noDropAll", p -> context(p).setCapabilities(null)),
            Map.entry("runAsRoot", p -> context(p).setRunAsUser(0L)),
            Map.entry("escalation", p -> context(p).setAllowPrivilegeEscalation(true)),
            Map.entry("seccompAnnotation", p -> p.getMetadata().setAnnotations(Map.of(
                    "seccomp.security.alpha.kubernetes.io/pod", "unconfined"))),
            Map.entry("seccompFieldUnconfined", p -> podContext(p).setSeccompProfile(new SeccompProfile(null,
                    "Unconfined"))),
            Map.entry("seccompFieldUnset", p -> podContext(p).setSeccompProfile(null)),
            Map.entry("windowsWithoutLinuxFields", p -> {
                p.getSpec().setOs(new PodOS("windows"));
                podContext(p).setSeccompProfile(null);
                context(p).setAllowPrivilegeEscalation(null);
                context(p).setCapabilities(null);
            }),
            Map.entry("containerEngineSeLinux", p -> context(p).setSeLinuxOptions(seLinux("container_engine_t", null))),
            Map.entry("probeHost", p -> container(p).setReadinessProbe(probe("example.com"))),
            Map.entry("userNamespaceRoot", p -> {
                p.getSpec().setHostUsers(false);
                podContext(p).setRunAsNonRoot(false);
                context(p).setRunAsUser(0L);
            }),
            Map.entry("userNamespaceProcMount", p -> {
                p.getSpec().setHostUsers(false);
                context(p).setProcMount("Unmasked");
            }));

    private static Consumer<Pod> sysctl(String name) {
        return p -> podContext(p).setSysctls(List.of(new Sysctl(name, "1")));
    }

    @Test
    void theSeccompAnnotationsOfOldVersionsAreNamedInKubesWords() {
        Pod pod = PodFixtures.restricted(CHANGES.get("seccompAnnotation"));
        LevelVersion v118 = new LevelVersion(Level.BASELINE, PolicyVersion.of(1, 18));
        assertThat(CURRENT.aggregate(v118, pod.getMetadata(), pod.getSpec()).details()).isEqualTo(
                "seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod=\"unconfined\")");
    }

    @Test
    void latestMeansTheNewestVersionAnyCheckNames() {
        assertThat(CURRENT.newest()).isEqualTo(PolicyVersion.of(1, 37));
    }

    @Test
    void anEmulatedReleaseCapsLatestAndEveryNewerVersion() {
        Evaluator v132 = new Evaluator(Evaluator.allChecks(), PolicyVersion.of(1, 32));
        assertThat(v132.newest()).isEqualTo(PolicyVersion.of(1, 32));
        Pod probeHost = PodFixtures.restricted(CHANGES.get("probeHost"));
        Pod tcpMemory = PodFixtures.restricted(CHANGES.get("tcpMemorySysctl"));
        for (PolicyVersion v : List.of(PolicyVersion.LATEST, PolicyVersion.of(1, 34), PolicyVersion.of(1, 40))) {
            LevelVersion lv = new LevelVersion(Level.BASELINE, v);
            assertThat(v132.aggregate(lv, probeHost.getMetadata(), probeHost.getSpec()).allowed()).as(v.toString())
                    .isTrue();
            assertThat(v132.aggregate(lv, tcpMemory.getMetadata(), tcpMemory.getSpec()).allowed()).as(v.toString())
                    .isTrue();
            assertThat(CURRENT.aggregate(lv, probeHost.getMetadata(), probeHost.getSpec()).allowed()).isFalse();
        }
        Evaluator newer = new Evaluator(Evaluator.allChecks(), PolicyVersion.of(1, 40));
        assertThat(newer.newest()).as("a release newer than every check changes nothing")
                .isEqualTo(PolicyVersion.of(1, 37));
    }

    @Test
    void malformedChecksAreRefused() {
        Check.Rule ok = (meta, spec) -> CheckResult.ALLOWED;
        assertThatThrownBy(() -> new Evaluator(List.of(Check.baseline("a", Check.since(0, ok)),
                Check.baseline("a", Check.since(1, ok))), null)).hasMessage("multiple checks registered for ID a");
        assertThatThrownBy(() -> new Evaluator(List.of(Check.baseline("a", Check.since(3, ok), Check.since(3, ok))),
                null)).hasMessage("check a: versions must be strictly increasing");
        assertThatThrownBy(() -> new Evaluator(List.of(Check.baseline("a", Check.since(0, ok, "b"))), null))
                .hasMessage("check a: only restricted checks may set overrides");
        assertThatThrownBy(() -> new Evaluator(List.of(Check.restricted("a", Check.since(0, ok)),
                Check.restricted("b", Check.since(0, ok, "a"))), null)).hasMessage("check b: overrides restricted check a");
    }
}
