package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.storage.etcd3.LocalEtcdProcess;
import dev.kapi.apiserver.testing.EtcdExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code --etcd-compaction-interval} (3 s here) on a server of its own etcd (compaction is etcd-wide): history
 * older than about one interval goes, so a list at such an exact resourceVersion gets kube's 410 Expired while
 * current reads and writes go on.
 */
class EtcdCompactionIT {

    private static final String CMS = "/api/v1/namespaces/default/configmaps";

    @Test
    void historyOlderThanAnIntervalIsCompacted() {
        LocalEtcdProcess etcd = EtcdExtension.startPrivate();
        try (KapiServer server = KapiServer.start("compaction", KapiServerExtension.e2eDir().resolve(
                "compaction-" + System.nanoTime()), List.of("--etcd-servers=" + String.join(",", etcd.endpoints()),
                "--etcd-compaction-interval=3s"))) {
            KubeHttp.Client admin = server.admin();
            KubeHttp.Reply created = admin.post(CMS, KubeHttp.configMap("old"));
            assertThat(created.code()).as(created.toString()).isEqualTo(201);
            String old = created.json().path("metadata").path("resourceVersion").asString();
            String exact = CMS + "?resourceVersion=" + old + "&resourceVersionMatch=Exact";
            assertThat(admin.get(exact).code()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
                admin.post(CMS, KubeHttp.configMap("later-" + System.nanoTime())); // the revision moves on
                return admin.get(exact).code() == 410;
            });
            KubeHttp.Reply expired = admin.get(exact);
            assertThat(expired.json().path("kind").asString()).isEqualTo("Status");
            assertThat(expired.json().path("reason").asString()).isEqualTo("Expired");
            assertThat(admin.get(CMS + "/old").code()).isEqualTo(200);
            assertThat(admin.post(CMS, KubeHttp.configMap("after")).code()).isEqualTo(201);
        } finally {
            etcd.close();
        }
    }
}
