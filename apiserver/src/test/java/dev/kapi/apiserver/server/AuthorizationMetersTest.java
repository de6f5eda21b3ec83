package dev.kapi.apiserver.server;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The reload meters of {@code --authorization-config}, labelled as kube labels them. */
class AuthorizationMetersTest {

    @Test
    void reloadsAreCountedByStatusAndTheServersHashedIdentity() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AuthorizationMeters meters = new AuthorizationMeters(registry, () -> "testAPIServerID");
        long before = System.currentTimeMillis() / 1000;
        meters.configReloaded(true);
        meters.configReloaded(false);
        meters.configReloaded(false);

        String hash = "sha256:14f9d63e669337ac6bfda2e2162915ee6a6067743eddd4e5c374b572f951ff37"; // kube's test value
        assertThat(ConfigReloadMeters.idHash("testAPIServerID")).isEqualTo(hash);
        assertThat(registry.get("apiserver.authorization.config.controller.automatic.reloads")
                .tags("status", "failure", "apiserver_id_hash", hash).counter().count()).isEqualTo(2.0);
        assertThat(registry.get("apiserver.authorization.config.controller.automatic.reloads")
                .tags("status", "success", "apiserver_id_hash", hash).counter().count()).isEqualTo(1.0);
        assertThat(registry.get("apiserver.authorization.config.controller.automatic.reload.last.timestamp.seconds")
                .tags("status", "success", "apiserver_id_hash", hash).gauge().value()).isGreaterThanOrEqualTo(before);
    }
}
