package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kapi.apiserver.e2e.KubeHttp.Reply;
import dev.kapi.apiserver.testing.Tmpfs;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The embedded store's disk fills up (the data dir is on a 64 MiB tmpfs, see {@link Tmpfs}): writes answer
 * a 500 Status that says the disk is full, {@code /readyz} fails its {@code storage-space} check while reads
 * and {@code /livez} still work, and once space is freed readiness comes back by itself and writes work again.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class DiskFullIT {

    private static final String CMS = "/api/v1/namespaces/default/configmaps";

    private static String configMap(String name) {
        return "{\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"k\":\"" + "x".repeat(16 * 1024) + "\"}}";
    }

    @Test
    void writesOnAFullDiskAnswerAStatusReadyzSaysSoAndBothRecoverOnceSpaceIsFreed() {
        try (Tmpfs disk = Tmpfs.mount(KapiServerExtension.e2eDir().resolve("disk-full-" + System.nanoTime()), "64m");
             KapiServer server = KapiServer.start("disk-full", disk.path().resolve("data"), List.of())) {
            KubeHttp.Client admin = server.admin();
            assertThat(admin.post(CMS, configMap("before")).code()).isEqualTo(201);
            disk.fill(0);

            Reply refused = null;
            for (int i = 0; i < 500 && refused == null; i++) {
                Reply r = admin.post(CMS, configMap("filling-" + i));
                if (r.code() != 201) {
                    refused = r;
                }
            }
            assertThat(refused).as("a write on the full disk was refused").isNotNull();
            assertThat(refused.code()).as(refused.toString()).isEqualTo(500);
            assertThat(refused.json().path("kind").asString()).isEqualTo("Status");
            assertThat(refused.json().path("reason").asString()).isEqualTo("InternalError");
            assertThat(refused.json().path("message").asString()).isEqualTo("Internal error occurred: the disk is "
                    + "full: the embedded store cannot write (database or disk is full); writes fail until space "
                    + "is freed");

            Reply ready = admin.get("/readyz?verbose");
            assertThat(ready.code()).isEqualTo(500);
            assertThat(ready.body()).contains("[-]storage-space failed: reason withheld\n", "[+]etcd ok\n");
            assertThat(admin.get("/livez").code()).isEqualTo(200);
            assertThat(admin.get(CMS + "/before").code()).as("reads still work").isEqualTo(200);

            disk.unfill();
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500))
                    .until(() -> admin.get("/readyz").code() == 200);
            assertThat(admin.post(CMS, configMap("after")).code()).isEqualTo(201);
            assertThat(admin.get(CMS + "/before").code()).isEqualTo(200);
        }
    }
}
