package dev.kapi.apiserver.admission.plugin.webhook.validating;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.ValidatingAdmission;
import dev.kapi.apiserver.admission.plugin.webhook.generic.Hook;
import dev.kapi.apiserver.admission.plugin.webhook.generic.Webhooks;

import java.util.List;

/**
 * kube's {@code ValidatingAdmissionWebhook} plugin: the ValidatingWebhookConfigurations' webhooks judge the final
 * object of every write they match (see {@link ValidatingDispatcher}). Writes of admission configurations
 * themselves are never sent to webhooks.
 */
public final class ValidatingWebhookPlugin implements ValidatingAdmission {

    public static final String NAME = "ValidatingAdmissionWebhook";

    private final Webhooks webhooks;
    private final ValidatingDispatcher dispatcher;

    public ValidatingWebhookPlugin(Webhooks webhooks) {
        this.webhooks = webhooks;
        this.dispatcher = new ValidatingDispatcher(webhooks);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void validate(AdmissionAttributes a) {
        if (Webhooks.exempt(a)) {
            return;
        }
        List<Hook> hooks = webhooks.validating(a);
        if (!hooks.isEmpty()) {
            dispatcher.dispatch(a, hooks);
        }
    }
}
