package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.e2e.Kubectl.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PodSecurity with kubectl (default flags, no admission configuration file): a namespace labelled restricted
 * refuses a privileged pod in kube's words and takes a compliant one; a warn-only namespace takes the privileged
 * pod and a deployment of it with kube's warnings on stderr; labelling enforce over existing pods warns about them,
 * and a bad label value is refused.
 */
@ExtendWith(KapiServerExtension.class)
class PodSecurityIT {

    private static final Kubectl KUBECTL = Kubectl.named("kubectl");

    private static final String PRIVILEGED = """
            apiVersion: v1
            kind: Pod
            metadata: {name: priv}
            spec:
              containers:
              - name: c
                image: nginx:1.27
                securityContext: {privileged: true}
            """;

    private static final String COMPLIANT = """
            apiVersion: v1
            kind: Pod
            metadata: {name: compliant}
            spec:
              securityContext:
                runAsNonRoot: true
                seccompProfile: {type: RuntimeDefault}
              containers:
              - name: c
                image: nginx:1.27
                securityContext:
                  allowPrivilegeEscalation: false
                  capabilities: {drop: [ALL]}
            """;

    private static Result ok(String... args) {
        Result r = KUBECTL.run(args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    private static Result apply(String ns, String yaml) {
        return KUBECTL.runWithInput(yaml, "create", "-n", ns, "-f", "-");
    }

    @Test
    void aRestrictedNamespaceRefusesAPrivilegedPodAndTakesACompliantOne() {
        String ns = "e2e-psa-restricted";
        ok("create", "namespace", ns);
        ok("label", "namespace", ns, "pod-security.kubernetes.io/enforce=restricted");

        Result refused = apply(ns, PRIVILEGED);
        assertThat(refused.exit()).as(refused.toString()).isNotZero();
        assertThat(refused.err()).contains("Error from server (Forbidden): error when creating \"STDIN\": pods \"priv\""
                + " is forbidden: violates PodSecurity \"restricted:latest\": privileged (container \"c\" must not set"
                + " securityContext.privileged=true), allowPrivilegeEscalation != false (container \"c\" must set"
                + " securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container \"c\" must set"
                + " securityContext.capabilities.drop=[\"ALL\"]), runAsNonRoot != true (pod or container \"c\" must set"
                + " securityContext.runAsNonRoot=true), seccompProfile (pod or container \"c\" must set"
                + " securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")");
        assertThat(KUBECTL.run("get", "pod", "priv", "-n", ns).err()).contains("pods \"priv\" not found");

        Result created = apply(ns, COMPLIANT);
        assertThat(created.exit()).as(created.toString()).isZero();
        assertThat(created.err()).doesNotContain("Warning");
    }

    @Test
    void aWarnNamespaceTakesThePodAndWarnsOnStderr() {
        String ns = "e2e-psa-warn";
        ok("create", "namespace", ns);
        ok("label", "namespace", ns, "pod-security.kubernetes.io/warn=baseline");
        String warning = "Warning: would violate PodSecurity \"baseline:latest\": privileged (container \"c\" must not"
                + " set securityContext.privileged=true)";

        Result pod = apply(ns, PRIVILEGED);
        assertThat(pod.exit()).as(pod.toString()).isZero();
        assertThat(pod.err()).contains(warning);
        ok("get", "pod", "priv", "-n", ns);

        Result deployment = apply(ns, """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers:
                      - name: c
                        image: nginx:1.27
                        securityContext: {privileged: true}
                """);
        assertThat(deployment.exit()).as(deployment.toString()).isZero();
        assertThat(deployment.err()).contains(warning);
    }

    @Test
    void enforcingOverExistingPodsWarnsAboutThemAndABadLevelIsRefused() {
        String ns = "e2e-psa-label";
        ok("create", "namespace", ns);
        assertThat(apply(ns, PRIVILEGED).exit()).isZero();

        Result labelled = ok("label", "namespace", ns, "pod-security.kubernetes.io/enforce=baseline");
        assertThat(labelled.err()).contains("Warning: existing pods in namespace \"" + ns + "\" violate the new"
                + " PodSecurity enforce level \"baseline:latest\"").contains("Warning: priv: privileged");

        Result bad = KUBECTL.run("label", "--overwrite", "namespace", ns, "pod-security.kubernetes.io/enforce=strict");
        assertThat(bad.exit()).as(bad.toString()).isNotZero();
        assertThat(bad.err()).contains("metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"strict\":"
                + " must be one of privileged, baseline, restricted");
    }
}
