package dev.kapi.apiserver.admission.plugin.webhook.mutating;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.MutatingAdmission;
import dev.kapi.apiserver.admission.plugin.webhook.generic.Hook;
import dev.kapi.apiserver.admission.plugin.webhook.generic.Webhooks;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.List;

/**
 * kube's {@code MutatingAdmissionWebhook} plugin: the MutatingWebhookConfigurations' webhooks may change or
 * refuse every write they match (see {@link MutatingDispatcher}). Writes of admission configurations themselves
 * are never sent to webhooks.
 */
public final class MutatingWebhookPlugin implements MutatingAdmission {

    public static final String NAME = "MutatingAdmissionWebhook";

    private final Webhooks webhooks;
    private final MutatingDispatcher dispatcher;

    public MutatingWebhookPlugin(Webhooks webhooks) {
        this.webhooks = webhooks;
        this.dispatcher = new MutatingDispatcher(webhooks);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public HasMetadata admit(AdmissionAttributes a) {
        if (Webhooks.exempt(a)) {
            return a.object();
        }
        List<Hook> hooks = webhooks.mutating(a);
        return hooks.isEmpty() ? a.object() : dispatcher.dispatch(a, hooks);
    }
}
