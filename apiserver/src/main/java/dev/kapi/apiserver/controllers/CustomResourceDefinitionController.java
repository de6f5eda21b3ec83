package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.apiextensions.CrdConditions;
import dev.kapi.apiserver.registry.apiextensions.CrdNames;
import dev.kapi.apiserver.registry.apiextensions.CrdStrategy;
import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * kube-apiserver's apiextensions controllers for one CRD at a time: naming and establishing (accepted names,
 * NamesAccepted and Established, see {@link CrdNames}; every CRD of the group is looked at again after a
 * change, since a name one gives up another may take) and the finalizer
 * ({@code customresourcecleanup.apiextensions.k8s.io}): a CRD being deleted has every object of it deleted,
 * waits while finalizers hold some, then loses its finalizer and goes. It writes as {@code system:apiserver}.
 */
final class CustomResourceDefinitionController extends Controller {

    private static final Logger LOG = LoggerFactory.getLogger(CustomResourceDefinitionController.class);

    private final Informer<CustomResourceDefinition> crds;
    private final StoreRegistry stores;
    private final WriteScope<CustomResourceDefinition> scope;
    private final WritePipeline writes;

    CustomResourceDefinitionController(Informer<CustomResourceDefinition> crds, Store<CustomResourceDefinition> store,
                                       StoreRegistry stores, WritePipeline writes) {
        super("customresourcedefinitions", 1, new WorkQueue(Duration.ofMillis(100), Duration.ofSeconds(10)),
                List.of(crds));
        this.crds = crds;
        this.stores = stores;
        this.scope = WriteScope.of(store, null, SystemUsers.API_SERVER);
        this.writes = writes;
        crds.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(CustomResourceDefinition crd) {
                queueGroup(crd);
            }

            @Override
            public void onUpdate(CustomResourceDefinition old, CustomResourceDefinition crd) {
                queueGroup(crd);
            }

            @Override
            public void onDelete(CustomResourceDefinition crd) {
                queueGroup(crd);
            }
        });
    }

    private void queueGroup(CustomResourceDefinition changed) {
        queue.add(changed.getMetadata().getName());
        String group = changed.getSpec() == null ? null : changed.getSpec().getGroup();
        for (CustomResourceDefinition crd : crds.cache().list()) {
            if (crd.getSpec() != null && Objects.equals(group, crd.getSpec().getGroup())) {
                queue.add(crd.getMetadata().getName());
            }
        }
    }

    @Override
    protected boolean reconcile(String name) {
        CustomResourceDefinition crd = crds.cache().get(null, name);
        if (crd == null || crd.getSpec() == null) {
            return true;
        }
        try {
            if (crd.getMetadata().getDeletionTimestamp() != null) {
                return cleanUp(crd);
            }
            return acceptNames(crd);
        } catch (StatusError e) {
            if (e.code() == 404 || e.code() == 409) {
                return e.code() == 404;
            }
            if (!stopping()) {
                LOG.warn("customresourcedefinition {}: {}", name, e.getMessage());
            }
            return false;
        }
    }

    private boolean acceptNames(CustomResourceDefinition crd) {
        CrdNames.Decision d = CrdNames.decide(crd, crds.cache().list(), stores.resources().all());
        CustomResourceDefinition want = Json.convert(Json.tree(crd), CustomResourceDefinition.class);
        d.applyTo(want);
        if (Json.sameJson(want.getStatus(), crd.getStatus())) {
            return true;
        }
        String uid = crd.getMetadata().getUid();
        writes.update(scope.subresource("status"), crd.getMetadata().getName(), current -> {
            if (!Objects.equals(current.getMetadata().getUid(), uid)) {
                throw StatusError.conflict(scope.store().definition().groupResource(), crd.getMetadata().getName(),
                        "the object has been replaced");
            }
            CrdNames.decide(current, crds.cache().list(), stores.resources().all()).applyTo(current);
            return current;
        }, OperationOptions.update());
        return true;
    }

    /** Deletes the CRD's objects; once none is left, removes the cleanup finalizer (and so the CRD). */
    private boolean cleanUp(CustomResourceDefinition crd) {
        List<String> finalizers = crd.getMetadata().getFinalizers();
        if (finalizers == null || !finalizers.contains(CrdStrategy.CLEANUP_FINALIZER)) {
            return true;
        }
        int left = deleteObjects(crd);
        if (left > 0) {
            setTerminating(crd, "InstanceDeletionCheck",
                    "could not confirm zero CustomResources remaining: " + left + " remaining");
            return false;
        }
        writes.update(scope, crd.getMetadata().getName(), current -> {
            List<String> f = new ArrayList<>(current.getMetadata().getFinalizers() == null ? List.of()
                    : current.getMetadata().getFinalizers());
            f.remove(CrdStrategy.CLEANUP_FINALIZER);
            current.getMetadata().setFinalizers(f);
            return current;
        }, OperationOptions.update());
        return true;
    }

    /** Deletes every object of the CRD (through its storage version's store); returns how many remain. */
    private int deleteObjects(CustomResourceDefinition crd) {
        String version = CrdStrategy.storageVersion(crd);
        var served = stores.lookup(crd.getSpec().getGroup(), version == null ? "" : version,
                crd.getStatus() == null || crd.getStatus().getAcceptedNames() == null ? ""
                        : crd.getStatus().getAcceptedNames().getPlural());
        if (served.isEmpty()) {
            return 0; // never served, or not at its storage version: nothing stored that we can reach
        }
        return deleteAll(served.get().store());
    }

    private <T extends HasMetadata> int deleteAll(Store<T> store) {
        WriteScope<T> objects = WriteScope.of(store, null, SystemUsers.API_SERVER);
        writes.deleteCollection(objects, ListParams.all(), OperationOptions.delete());
        return store.list(null, ListParams.all()).items().size();
    }

    private void setTerminating(CustomResourceDefinition crd, String reason, String message) {
        CustomResourceDefinition want = Json.convert(Json.tree(crd), CustomResourceDefinition.class);
        CrdConditions.set(want, CrdConditions.of(CrdConditions.TERMINATING, "True", reason, message));
        if (Json.sameJson(want.getStatus(), crd.getStatus())) {
            return;
        }
        writes.update(scope.subresource("status"), crd.getMetadata().getName(), current -> {
            CrdConditions.set(current, CrdConditions.of(CrdConditions.TERMINATING, "True", reason, message));
            return current;
        }, OperationOptions.update());
    }
}
