package dev.kapi.apiserver.registry.groups.admissionregistration;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;

import java.util.List;

/**
 * admissionregistration.k8s.io/v1 mutatingwebhookconfigurations (cluster-scoped): v1's webhook defaults
 * (reinvocationPolicy Never too), kube's webhook validation (reinvocationPolicy checked too; relaxed on
 * update where the stored object already broke a rule), generation bumped when the webhooks change (the
 * store's {@code tracksGeneration}), columns Name, Webhooks, Age.
 */
public final class MutatingWebhookConfigurationStrategy implements ResourceStrategy<MutatingWebhookConfiguration> {

    @Override
    public void applyDefaults(MutatingWebhookConfiguration c) {
        for (MutatingWebhook w : c.getWebhooks() == null ? List.<MutatingWebhook>of() : c.getWebhooks()) {
            if (w != null) {
                AdmissionDefaults.mutatingWebhook(w);
            }
        }
    }

    @Override
    public List<FieldError> validate(MutatingWebhookConfiguration c) {
        return WebhookChecks.webhooks(Hook.ofMutating(c.getWebhooks()), WebhookOptions.CREATE);
    }

    @Override
    public List<FieldError> validateUpdate(MutatingWebhookConfiguration c, MutatingWebhookConfiguration old) {
        List<Hook> hooks = Hook.ofMutating(c.getWebhooks());
        return WebhookChecks.webhooks(hooks, WebhookOptions.update(hooks, Hook.ofMutating(old.getWebhooks())));
    }

    @Override
    public List<String> warnings(MutatingWebhookConfiguration c) {
        return StaticSuffix.warnings(c.getMetadata().getName());
    }

    @Override
    public List<TableColumn<MutatingWebhookConfiguration>> tableColumns() {
        return List.of(TableColumn.nameColumn(),
                TableColumn.of("Webhooks", "integer", StaticSuffix.WEBHOOKS_COLUMN,
                        c -> (long) (c.getWebhooks() == null ? 0 : c.getWebhooks().size())),
                TableColumn.ageColumn());
    }
}
