package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.Json;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The fabric8 client (JDK HTTP client) with its default settings: watches and informers over WebSocket. */
class Fabric8WebSocketWatchTest extends WatchServerTestBase {

    static KubernetesClient fabric8;

    @AfterAll
    static void closeFabric8() {
        if (fabric8 != null) {
            fabric8.close();
        }
    }

    @Test
    @Timeout(30) // a server that does not upgrade leaves fabric8 waiting for the end of the watch body
    void fabric8WithDefaultSettingsWatches() throws Exception {
        KubernetesClient client = fabric8();
        assertThat(client.getConfiguration().isOnlyHttpWatches()).isFalse();
        List<String> events = new CopyOnWriteArrayList<>();
        try (Watch ignored = client.configMaps().inNamespace("default").withLabel("app", "f8-watch")
                .watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, ConfigMap cm) {
                        events.add(action + " " + cm.getMetadata().getName() + " " + cm.getData().get("k"));
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                    }
                })) {
            ConfigMap cm = Json.MAPPER.readValue(configMap("f8-a", "f8-watch", "v1"), ConfigMap.class);
            client.configMaps().inNamespace("default").resource(cm).create();
            client.configMaps().inNamespace("default").withName("f8-a").edit(c -> {
                c.getData().put("k", "v2");
                return c;
            });
            client.configMaps().inNamespace("default").withName("f8-a").delete();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events)
                    .containsExactly("ADDED f8-a v1", "MODIFIED f8-a v2", "DELETED f8-a v2"));
        }
    }

    @Test
    @Timeout(30)
    void fabric8WithDefaultSettingsRunsAnInformer() throws Exception {
        KubernetesClient client = fabric8();
        client.configMaps().inNamespace("default").resource(
                new ConfigMapBuilder().withNewMetadata().withName("f8-existing").addToLabels("app", "f8-inf")
                        .endMetadata().addToData("k", "v1").build()).create();
        List<String> seen = new CopyOnWriteArrayList<>();
        SharedIndexInformer<ConfigMap> informer = client.configMaps().inNamespace("default")
                .withLabel("app", "f8-inf").inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(ConfigMap obj) {
                        seen.add("add " + obj.getMetadata().getName());
                    }

                    @Override
                    public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {
                        seen.add("update " + newObj.getMetadata().getName() + " " + newObj.getData().get("k"));
                    }

                    @Override
                    public void onDelete(ConfigMap obj, boolean deletedFinalStateUnknown) {
                        seen.add("delete " + obj.getMetadata().getName());
                    }
                }, 0);
        try {
            await().atMost(Duration.ofSeconds(10)).until(informer::hasSynced);
            client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata()
                    .withName("f8-new").addToLabels("app", "f8-inf").endMetadata().build()).create();
            client.configMaps().inNamespace("default").withName("f8-existing").edit(c -> {
                c.getData().put("k", "v2");
                return c;
            });
            client.configMaps().inNamespace("default").withName("f8-new").delete();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(seen).containsExactly(
                    "add f8-existing", "add f8-new", "update f8-existing v2", "delete f8-new"));
            assertThat(informer.getStore().list()).extracting(c -> c.getMetadata().getName())
                    .containsExactly("f8-existing");
        } finally {
            informer.close();
        }
    }

    private static synchronized KubernetesClient fabric8() throws IOException {
        if (fabric8 == null) {
            Config config = Config.fromKubeconfig(Files.readString(DATA_DIR.resolve("admin.kubeconfig")));
            // the admin key is an EC key in PKCS#8 ("PRIVATE KEY"), which fabric8 would read as RSA
            config.setClientKeyAlgo("EC");
            fabric8 = new KubernetesClientBuilder().withConfig(config)
                    .withHttpClientFactory(new JdkHttpClientFactory()).build();
        }
        return fabric8;
    }
}
