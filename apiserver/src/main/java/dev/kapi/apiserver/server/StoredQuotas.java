package dev.kapi.apiserver.server;

import dev.kapi.apiserver.admission.plugin.resourcequota.ResourceQuotaAdmission;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.ResourceQuota;

import java.util.List;
import java.util.function.Supplier;

/**
 * The ResourceQuota plugin's quotas, from the resourcequotas store: none for a namespace the informer, while
 * it watches, knows no quota of (so creates in namespaces without quotas read nothing); otherwise the
 * namespace's quotas read from storage, so that a charge is decided on what is stored. A charge writes the
 * status through the {@link WritePipeline} as the API server ({@code resourcequotas/status}, admitted like any
 * write) at the resourceVersion it was decided on: 409 when the quota changed since.
 *
 * @param writes the pipeline, looked up on first use (the pipeline's admission chain holds this plugin)
 */
record StoredQuotas(Store<ResourceQuota> store, Informer<ResourceQuota> informer, Supplier<WritePipeline> writes)
        implements ResourceQuotaAdmission.Quotas {

    @Override
    public List<ResourceQuota> inNamespace(String namespace) {
        return knownEmpty(namespace) ? List.of() : store.list(namespace, ListParams.all()).items();
    }

    @Override
    public boolean knownEmpty(String namespace) {
        return informer.isWatching() && informer.cache().list(namespace).isEmpty();
    }

    @Override
    public void updateStatus(ResourceQuota quota) {
        String resourceVersion = quota.getMetadata().getResourceVersion();
        writes.get().update(new WriteScope<>(store, quota.getMetadata().getNamespace(), "status",
                SystemUsers.API_SERVER), quota.getMetadata().getName(), current -> {
                    current.getMetadata().setResourceVersion(resourceVersion);
                    current.setStatus(quota.getStatus());
                    return current;
                }, OperationOptions.update());
    }
}
