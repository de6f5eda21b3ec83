package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.registry.core.NamespaceStrategy;
import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.Informer;
import io.fabric8.kubernetes.api.model.Namespace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * kube's namespace controller: a namespace whose deletion started (seen by the namespaces informer: the
 * update that marked it Terminating, or a Terminating one in a list after a start) is handed to
 * {@link NamespaceCleanup}. While content held by finalizers keeps it, it is looked at again after a wait that
 * doubles from 5 s up to a minute (or at once when its finalizers change, or at a resync); the controller's
 * own status writes do not wake it.
 */
final class NamespaceController extends Controller {

    private static final Logger LOG = LoggerFactory.getLogger(NamespaceController.class);
    static final Duration FIRST_RETRY = Duration.ofSeconds(5);
    static final Duration MAX_RETRY = Duration.ofMinutes(1);
    /** kube's --concurrent-namespace-syncs. */
    static final int WORKERS = 10;

    private final NamespaceCleanup cleanup;

    NamespaceController(Informer<Namespace> namespaces, NamespaceCleanup cleanup) {
        super("namespace-controller", WORKERS, new WorkQueue(FIRST_RETRY, MAX_RETRY), List.of(namespaces));
        this.cleanup = cleanup;
        namespaces.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(Namespace ns) {
                if (terminating(ns)) {
                    queue.add(ns.getMetadata().getName());
                }
            }

            @Override
            public void onUpdate(Namespace old, Namespace ns) {
                if (terminating(ns) && (old == ns || !terminating(old) || finalizersChanged(old, ns))) {
                    queue.add(ns.getMetadata().getName());
                }
            }
        });
    }

    @Override
    protected boolean reconcile(String name) {
        try {
            return cleanup.finish(name);
        } catch (RuntimeException e) {
            if (!stopping()) {
                LOG.warn("namespace {} not cleaned up yet: {}", name, e.toString());
            }
            return false;
        }
    }

    private static boolean terminating(Namespace ns) {
        return ns.getMetadata().getDeletionTimestamp() != null;
    }

    private static boolean finalizersChanged(Namespace old, Namespace ns) {
        return !NamespaceStrategy.specFinalizers(old).equals(NamespaceStrategy.specFinalizers(ns))
                || !Objects.equals(old.getMetadata().getFinalizers(), ns.getMetadata().getFinalizers());
    }
}
