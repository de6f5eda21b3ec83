package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.storage.etcd3.LocalEtcdProcess;
import dev.kapi.apiserver.testing.EtcdExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * etcd goes away under a running server and comes back: meanwhile requests get a 503/504 Status (never a
 * hang or a 500) and /readyz fails; afterwards the server serves again by itself, watches included.
 */
class EtcdOutageIT {

    private static final String CMS = "/api/v1/namespaces/default/configmaps";

    @Test
    void serverAnswersWithStatusWhileEtcdIsDownAndRecoversByItself() {
        LocalEtcdProcess etcd = EtcdExtension.startPrivate();
        try (KapiServer server = KapiServer.start("outage", KapiServerExtension.e2eDir().resolve(
                "outage-" + System.nanoTime()), List.of("--etcd-servers=" + String.join(",", etcd.endpoints())))) {
            KubeHttp.Client admin = server.admin();
            assertThat(admin.post(CMS, KubeHttp.configMap("before")).code()).isEqualTo(201);

            etcd.stop();
            KubeHttp.Reply down = admin.get(CMS + "/before");
            assertThat(down.code()).as(down.toString()).isIn(503, 504);
            assertThat(down.json().path("kind").asString()).isEqualTo("Status");
            assertThat(down.json().path("reason").asString()).isIn("ServiceUnavailable", "Timeout");
            assertThat(admin.get("/readyz").code()).isNotEqualTo(200);

            etcd.restart();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> admin.get("/readyz").code() == 200);
            assertThat(admin.get(CMS + "/before").code()).isEqualTo(200);
            assertThat(admin.post(CMS, KubeHttp.configMap("after")).code()).isEqualTo(201);
        } finally {
            etcd.close();
        }
    }
}
