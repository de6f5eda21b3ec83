package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * kube's service account controller: every namespace that is not being deleted has a ServiceAccount named
 * {@code default}. A namespace added or updated, or its {@code default} account deleted, queues the namespace;
 * reconciling it (one worker, as kube runs it: namespaces in the order they were queued) creates the account
 * unless the accounts informer has it, or the namespaces informer has the namespace gone or terminating. Creating one that exists is a harmless 409, so several servers may run it at once. It creates
 * through the {@link WritePipeline} as kube's controller ({@link SystemUsers#SERVICE_ACCOUNT_CONTROLLER}).
 */
final class ServiceAccountsController extends Controller {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceAccountsController.class);
    static final String NAME = "default";

    private final Informer<Namespace> namespaces;
    private final Informer<ServiceAccount> accounts;
    private final Store<ServiceAccount> accountStore;
    private final WritePipeline writes;

    ServiceAccountsController(Informer<Namespace> namespaces, Informer<ServiceAccount> accounts,
                              Store<ServiceAccount> accountStore, WritePipeline writes) {
        super("serviceaccount-controller", 1, new WorkQueue(Duration.ofMillis(500), Duration.ofSeconds(30)),
                List.of(namespaces, accounts));
        this.namespaces = namespaces;
        this.accounts = accounts;
        this.accountStore = accountStore;
        this.writes = writes;
        namespaces.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Namespace ns) {
                queueIfLive(ns);
            }

            @Override
            public void onUpdate(Namespace old, Namespace ns) {
                queueIfLive(ns);
            }
        });
        accounts.addHandler(new EventHandler<>() {
            @Override
            public void onDelete(ServiceAccount sa) {
                if (NAME.equals(sa.getMetadata().getName())) {
                    queue.add(sa.getMetadata().getNamespace());
                }
            }
        });
    }

    private void queueIfLive(Namespace ns) {
        if (ns.getMetadata().getDeletionTimestamp() == null) {
            queue.add(ns.getMetadata().getName());
        }
    }

    /** Creates {@code default} in the namespace unless it exists or the namespace is gone or terminating. */
    @Override
    protected boolean reconcile(String namespace) {
        if (accounts.cache().get(namespace, NAME) != null) {
            return true;
        }
        Namespace ns = namespaces.cache().get(null, namespace); // kube's lister: no round trip to storage
        if (ns == null || ns.getMetadata().getDeletionTimestamp() != null) {
            return true;
        }
        try {
            writes.create(WriteScope.of(accountStore, namespace, SystemUsers.SERVICE_ACCOUNT_CONTROLLER),
                    new ServiceAccountBuilder().withNewMetadata().withName(NAME).endMetadata().build(),
                    OperationOptions.create());
            return true;
        } catch (StatusError e) {
            // 403: the namespace began terminating meanwhile (NamespaceLifecycle), as kube's controller ignores
            if (e.code() == 404 || e.code() == 409 || terminating(e)) {
                return true;
            }
            failed(namespace, e.getMessage());
            return false;
        } catch (RuntimeException e) {
            failed(namespace, e.toString());
            return false;
        }
    }

    private void failed(String namespace, String message) {
        if (!stopping()) {
            LOG.warn("could not create serviceaccount {}/{}: {}", namespace, NAME, message);
        }
    }

    private static boolean terminating(StatusError e) {
        var details = e.status().getDetails();
        return e.code() == 403 && details != null && details.getCauses() != null
                && details.getCauses().stream().anyMatch(c -> "NamespaceTerminating".equals(c.getReason()));
    }
}
