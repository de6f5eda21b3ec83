package dev.kapi.apiserver.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * fabric8 kubernetes-client 8 (JDK HTTP client) driven through the server's admin kubeconfig, once in its
 * default configuration (watches over WebSocket) and once with {@code onlyHttpWatches} (watches over a
 * streamed HTTP response).
 */
@ExtendWith(KapiServerExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class Fabric8ClientIT {

    private static final Map<Boolean, KubernetesClient> CLIENTS = new ConcurrentHashMap<>();
    private String ns;
    private KubernetesClient client;

    private void connect(boolean onlyHttpWatches) {
        ns = "e2e-fabric8-" + (onlyHttpWatches ? "http" : "default");
        KubeHttp.createNamespace(ns);
        client = CLIENTS.computeIfAbsent(onlyHttpWatches, only -> {
            try {
                Config config = Config.fromKubeconfig(Files.readString(KapiServerExtension.server().kubeconfig()));
                config.setOnlyHttpWatches(only);
                return new KubernetesClientBuilder().withConfig(config)
                        .withHttpClientFactory(new JdkHttpClientFactory()).build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @AfterAll
    static void close() {
        CLIENTS.values().forEach(KubernetesClient::close);
    }

    private ConfigMap configMap(String name, String app) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(ns)
                .addToLabels("app", app).endMetadata().addToData("k", "v1").build();
    }

    @ParameterizedTest(name = "onlyHttpWatches={0}")
    @ValueSource(booleans = {true, false})
    void createGetListWatchDelete(boolean onlyHttpWatches) {
        connect(onlyHttpWatches);
        List<String> events = new CopyOnWriteArrayList<>();
        try (Watch ignored = client.configMaps().inNamespace(ns).withLabel("app", "fabric8")
                .watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, ConfigMap cm) {
                        events.add(action + " " + cm.getMetadata().getName());
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                    }
                })) {
            ConfigMap created = client.configMaps().inNamespace(ns).resource(configMap("f8", "fabric8")).create();
            assertThat(created.getMetadata().getUid()).isNotEmpty();
            assertThat(created.getMetadata().getResourceVersion()).isNotEmpty();

            ConfigMap got = client.configMaps().inNamespace(ns).withName("f8").get();
            assertThat(got.getData()).containsEntry("k", "v1");
            assertThat(client.configMaps().inNamespace(ns).withLabel("app", "fabric8").list().getItems())
                    .extracting(c -> c.getMetadata().getName()).containsExactly("f8");

            client.configMaps().inNamespace(ns).withName("f8").edit(c -> {
                c.getData().put("k", "v2");
                return c;
            });
            assertThat(client.configMaps().inNamespace(ns).withName("f8").get().getData()).containsEntry("k", "v2");

            assertThat(client.configMaps().inNamespace(ns).withName("f8").delete()).hasSize(1);
            assertThat(client.configMaps().inNamespace(ns).withName("f8").get()).isNull();

            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(events).containsExactly("ADDED f8", "MODIFIED f8", "DELETED f8"));
        }
    }

    @ParameterizedTest(name = "onlyHttpWatches={0}")
    @ValueSource(booleans = {true, false})
    void informerSeesExistingAndNewObjects(boolean onlyHttpWatches) {
        connect(onlyHttpWatches);
        client.configMaps().inNamespace(ns).resource(configMap("inf-existing", "informer")).create();
        List<String> seen = new CopyOnWriteArrayList<>();
        SharedIndexInformer<ConfigMap> informer = client.configMaps().inNamespace(ns).inform(
                new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(ConfigMap obj) {
                        seen.add("add " + obj.getMetadata().getName());
                    }

                    @Override
                    public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {
                        if (!oldObj.getMetadata().getResourceVersion()
                                .equals(newObj.getMetadata().getResourceVersion())) {
                            seen.add("update " + newObj.getMetadata().getName());
                        }
                    }

                    @Override
                    public void onDelete(ConfigMap obj, boolean deletedFinalStateUnknown) {
                        seen.add("delete " + obj.getMetadata().getName());
                    }
                }, 0);
        try {
            await().atMost(Duration.ofSeconds(10)).until(informer::hasSynced);
            assertThat(seen).contains("add inf-existing");
            client.configMaps().inNamespace(ns).resource(configMap("inf-new", "informer")).create();
            client.configMaps().inNamespace(ns).withName("inf-existing").edit(c -> {
                c.getData().put("k", "changed");
                return c;
            });
            client.configMaps().inNamespace(ns).withName("inf-new").delete();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(seen)
                    .contains("add inf-new", "update inf-existing", "delete inf-new"));
            assertThat(informer.getIndexer().list()).extracting(c -> c.getMetadata().getName())
                    .contains("inf-existing").doesNotContain("inf-new");
        } finally {
            informer.close();
        }
    }
}
