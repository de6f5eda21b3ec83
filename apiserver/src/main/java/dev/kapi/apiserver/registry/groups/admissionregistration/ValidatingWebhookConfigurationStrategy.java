package dev.kapi.apiserver.registry.groups.admissionregistration;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;

import java.util.List;

/**
 * admissionregistration.k8s.io/v1 validatingwebhookconfigurations (cluster-scoped): v1's webhook defaults,
 * kube's webhook validation (relaxed on update where the stored object already broke a rule), generation
 * bumped when the webhooks change (the store's {@code tracksGeneration}), columns Name, Webhooks, Age.
 */
public final class ValidatingWebhookConfigurationStrategy implements ResourceStrategy<ValidatingWebhookConfiguration> {

    @Override
    public void applyDefaults(ValidatingWebhookConfiguration c) {
        for (ValidatingWebhook w : c.getWebhooks() == null ? List.<ValidatingWebhook>of() : c.getWebhooks()) {
            if (w != null) {
                AdmissionDefaults.validatingWebhook(w);
            }
        }
    }

    @Override
    public List<FieldError> validate(ValidatingWebhookConfiguration c) {
        return WebhookChecks.webhooks(Hook.ofValidating(c.getWebhooks()), WebhookOptions.CREATE);
    }

    @Override
    public List<FieldError> validateUpdate(ValidatingWebhookConfiguration c, ValidatingWebhookConfiguration old) {
        List<Hook> hooks = Hook.ofValidating(c.getWebhooks());
        return WebhookChecks.webhooks(hooks, WebhookOptions.update(hooks, Hook.ofValidating(old.getWebhooks())));
    }

    @Override
    public List<String> warnings(ValidatingWebhookConfiguration c) {
        return StaticSuffix.warnings(c.getMetadata().getName());
    }

    @Override
    public List<TableColumn<ValidatingWebhookConfiguration>> tableColumns() {
        return List.of(TableColumn.nameColumn(),
                TableColumn.of("Webhooks", "integer", StaticSuffix.WEBHOOKS_COLUMN,
                        c -> (long) (c.getWebhooks() == null ? 0 : c.getWebhooks().size())),
                TableColumn.ageColumn());
    }
}
