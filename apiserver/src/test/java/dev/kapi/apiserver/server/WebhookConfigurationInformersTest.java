package dev.kapi.apiserver.server;

import dev.kapi.apiserver.registry.BuiltInResources;
import dev.kapi.apiserver.registry.RegistryContext;
import dev.kapi.apiserver.registry.ResourceRegistry;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.informer.InformerOptions;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.EtcdExtension;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The webhook plugins' view of the store on real etcd, as two servers sharing it see it: what one server writes
 * the other's webhook source has within a second, sorted by name; namespaces' labels; a server without the
 * admissionregistration resources has no webhooks.
 */
@ExtendWith(EtcdExtension.class)
class WebhookConfigurationInformersTest {

    private static StoreRegistry stores(Storage storage, String prefix, boolean admissionRegistration) {
        var all = BuiltInResources.all(new RegistryContext(storage, prefix, "10.96.0.0/12", "30000-32767")).stream()
                .filter(d -> admissionRegistration || !d.group().equals(WebhookConfigurationInformers.GROUP))
                .toList();
        return new StoreRegistry(new ResourceRegistry(all), storage, prefix);
    }

    private static ValidatingWebhookConfiguration config(String name, String webhook) {
        return new ValidatingWebhookConfigurationBuilder().withNewMetadata().withName(name).endMetadata()
                .addNewWebhook().withName(webhook).withNewClientConfig().withUrl("https://127.0.0.1:1/x").endClientConfig()
                .withSideEffects("None").withAdmissionReviewVersions("v1").endWebhook().build();
    }

    private static List<String> names(List<ValidatingWebhookConfiguration> list) {
        return list.stream().map(c -> c.getMetadata().getName()).toList();
    }

    @Test
    void whatOneServerWritesTheOtherCallsWithinASecond() throws Exception {
        String prefix = EtcdExtension.randomPrefix();
        try (Storage a = EtcdStorage.connect(EtcdExtension.endpoints());
             Storage b = EtcdStorage.connect(EtcdExtension.endpoints())) {
            StoreRegistry writer = stores(a, prefix, true);
            Store<ValidatingWebhookConfiguration> configs = writer.find(WebhookConfigurationInformers.GROUP, "v1",
                    "validatingwebhookconfigurations", ValidatingWebhookConfiguration.class).orElseThrow();
            Store<Namespace> namespaces = writer.find("", "v1", "namespaces", Namespace.class).orElseThrow();
            Writes.create(configs, null, config("zeta", "z.example.com"));
            Writes.create(namespaces, null, new NamespaceBuilder().withNewMetadata().withName("labelled")
                    .addToLabels("env", "prod").endMetadata().build());
            try (WebhookConfigurationInformers source = new WebhookConfigurationInformers(stores(b, prefix, true),
                    InformerOptions.DEFAULTS)) {
                source.start();
                assertThat(source.awaitSynced(Duration.ofSeconds(10))).isTrue();
                assertThat(names(source.validating())).containsExactly("zeta");
                assertThat(source.mutating()).isEmpty();

                Writes.create(configs, null, config("alpha", "a.example.com"));
                await().atMost(Duration.ofSeconds(10)).until(() -> names(source.validating()).size() == 2);
                assertThat(names(source.validating())).containsExactly("alpha", "zeta");

                List<ValidatingWebhookConfiguration> before = source.validating();
                Writes.update(configs, null, "alpha", c -> {
                    c.getWebhooks().getFirst().setFailurePolicy("Ignore");
                    return c;
                });
                await().atMost(Duration.ofSeconds(10)).until(() -> source.validating() != before);
                assertThat(source.validating().getFirst().getWebhooks().getFirst().getFailurePolicy()).isEqualTo("Ignore");

                Writes.delete(configs, null, "zeta");
                await().atMost(Duration.ofSeconds(10)).until(() -> names(source.validating()).equals(List.of("alpha")));

                assertThat(source.labels("labelled").orElseThrow()).containsEntry("env", "prod");
                assertThat(source.labels("missing")).isEmpty();
            }
            // a namespace the cache has not seen (yet) is read from storage
            try (WebhookConfigurationInformers notStarted = new WebhookConfigurationInformers(stores(b, prefix, true),
                    InformerOptions.DEFAULTS)) {
                assertThat(notStarted.labels("labelled").orElseThrow()).containsEntry("env", "prod");
                assertThat(notStarted.labels("missing")).isEmpty();
            }
        }
    }

    @Test
    void withoutTheAdmissionRegistrationResourcesThereAreNoWebhooks() throws Exception {
        String prefix = EtcdExtension.randomPrefix();
        try (Storage storage = EtcdStorage.connect(EtcdExtension.endpoints());
             WebhookConfigurationInformers source = new WebhookConfigurationInformers(stores(storage, prefix, false),
                     InformerOptions.DEFAULTS)) {
            source.start();
            assertThat(source.awaitSynced(Duration.ofSeconds(10))).isTrue();
            assertThat(source.validating()).isEmpty();
            List<MutatingWebhookConfiguration> mutating = source.mutating();
            assertThat(mutating).isEmpty();
            assertThat(source.labels("default")).isEqualTo(Optional.empty());
        }
    }
}
