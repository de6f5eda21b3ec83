package dev.kapi.apiserver.server;

import dev.kapi.apiserver.authn.AnonymousAccess;
import dev.kapi.apiserver.authn.serviceaccount.ServiceAccountTokenOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --authentication-config} beside the flags it replaces, as kube-apiserver 1.32 takes them. */
class StructuredAuthenticationFlagsTest {

    private static final ServiceAccountTokenOptions TOKENS = new ServiceAccountTokenOptions(
            List.of("https://kubernetes.default.svc.cluster.local"), List.of(), null);

    private static final org.springframework.beans.factory.ObjectProvider<io.micrometer.core.instrument.MeterRegistry>
            NO_METERS = new org.springframework.beans.factory.support.StaticListableBeanFactory()
            .getBeanProvider(io.micrometer.core.instrument.MeterRegistry.class);
    private static final org.springframework.beans.factory.ObjectProvider<
            dev.kapi.apiserver.controlplane.ReplicaReconciler> NO_REPLICA =
            new org.springframework.beans.factory.support.StaticListableBeanFactory()
                    .getBeanProvider(dev.kapi.apiserver.controlplane.ReplicaReconciler.class);

    @TempDir
    Path dir;

    private static StructuredAuthentication of(String file, boolean anonymousAuth, MockEnvironment environment) {
        return new StructuredAuthentication(file, anonymousAuth, environment, TOKENS, NO_METERS, NO_REPLICA);
    }

    private String file(String body) throws IOException {
        return Files.writeString(dir.resolve("authn.yaml"), "apiVersion: apiserver.config.k8s.io/v1beta1\n"
                + "kind: AuthenticationConfiguration\n" + body).toString();
    }

    @Test
    void withoutTheFileAnonymousIsTheFlags() {
        assertThat(of("", true, new MockEnvironment()).anonymous())
                .isEqualTo(AnonymousAccess.ALL);
        StructuredAuthentication off = of("", false, new MockEnvironment());
        assertThat(off.anonymous()).isEqualTo(AnonymousAccess.NONE);
        assertThat(off.configured()).isFalse();
    }

    @Test
    void alwaysAllowTurnsAnonymousRequestsOffAsInKube() {
        for (String modes : new String[] {"AlwaysAllow", "RBAC,AlwaysAllow", "RBAC, AlwaysAllow"}) {
            assertThat(of("", true, new MockEnvironment().withProperty("authorization-mode",
                    modes)).anonymous()).as(modes).isEqualTo(AnonymousAccess.NONE);
        }
        assertThat(of("", true, new MockEnvironment().withProperty("authorization-mode",
                "RBAC,Webhook")).anonymous()).isEqualTo(AnonymousAccess.ALL);
    }

    @Test
    void oidcFlagsAndTheFileAreMutuallyExclusive() throws IOException {
        String f = file("");
        for (String flag : StructuredAuthentication.OIDC_FLAGS) {
            assertThatThrownBy(() -> of(f, true,
                    new MockEnvironment().withProperty(flag, "x"))).as(flag)
                    .isInstanceOf(StartupFailure.class)
                    .hasMessage("authentication-config file and oidc-* flags are mutually exclusive");
        }
        try (StructuredAuthentication s = of(f, true, new MockEnvironment())) {
            assertThat(s.configured()).isTrue();
        }
    }

    @Test
    void theFilesAnonymousSectionReplacesTheFlagWhichMayThenNotBeSet() throws IOException {
        String f = file("anonymous: {enabled: true, conditions: [{path: /livez}]}\n");
        try (StructuredAuthentication s = of(f, true, new MockEnvironment())) {
            assertThat(s.anonymous().paths()).containsExactly("/livez");
        }
        assertThatThrownBy(() -> of(f, true,
                new MockEnvironment().withProperty("anonymous-auth", "true")))
                .hasMessage("anonymous: Forbidden: --anonynous-auth flag cannot be set when anonymous field is "
                        + "configured in authentication configuration file");
        String without = file("");
        try (StructuredAuthentication s = of(without, false, new MockEnvironment()
                .withProperty("anonymous-auth", "false"))) {
            assertThat(s.anonymous()).isEqualTo(AnonymousAccess.NONE);
        }
    }

    @Test
    void aBadFileStopsTheStartNamingIt() throws IOException {
        String f = file("jwt:\n- issuer: {url: 'https://kubernetes.default.svc.cluster.local', audiences: [a]}\n"
                + "  claimMappings: {username: {claim: sub, prefix: ''}}\n");
        assertThatThrownBy(() -> of(f, true, new MockEnvironment()))
                .isInstanceOf(StartupFailure.class)
                .hasMessage("failed to load authentication configuration from file \"" + f + "\": invalid "
                        + "authentication configuration: jwt[0].issuer.url: Invalid value: "
                        + "\"https://kubernetes.default.svc.cluster.local\": URL must not overlap with disallowed "
                        + "issuers: [https://kubernetes.default.svc.cluster.local]");
        assertThatThrownBy(() -> of(dir.resolve("none.yaml").toString(), true,
                new MockEnvironment())).isInstanceOf(StartupFailure.class)
                .hasMessageStartingWith("--authentication-config: ");
    }
}
