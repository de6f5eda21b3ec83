package dev.kapi.apiserver.controllers.apps;

import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * kube's {@code ControllerRefManager.ClaimObject} for a controller and the candidates of its namespace: an
 * object it controls is kept while its selector matches and released (its owner reference removed) when it
 * stops matching; an orphan that matches is adopted (the controller's reference added), unless the object or
 * the controller is being deleted. Before the first adoption, {@code canAdopt} re-reads the controller live
 * (kube's {@code RecheckDeletionTimestamp}): a controller deleted or replaced meanwhile adopts nothing.
 * Objects controlled by another owner are left alone. Returns the objects now controlled.
 */
final class Claims<T extends HasMetadata> {

    private final HasMetadata owner;
    private final Predicate<Map<String, String>> selector;
    private final Runnable canAdopt;
    private final Consumer<T> adopt;
    private final Consumer<T> release;
    private boolean adoptionChecked;
    private boolean adoptionRefused;

    /**
     * @param canAdopt throws (a StatusError) when the controller must not adopt
     * @param adopt    adds the controller reference (a 404 means the object is gone)
     * @param release  removes it (404 and 422 are ignored, as kube does)
     */
    Claims(HasMetadata owner, Predicate<Map<String, String>> selector, Runnable canAdopt, Consumer<T> adopt,
           Consumer<T> release) {
        this.owner = owner;
        this.selector = selector;
        this.canAdopt = canAdopt;
        this.adopt = adopt;
        this.release = release;
    }

    List<T> claim(List<T> candidates) {
        List<T> claimed = new ArrayList<>();
        StatusError failure = null;
        boolean ownerDeleting = owner.getMetadata().getDeletionTimestamp() != null;
        for (T obj : candidates) {
            OwnerReference ref = ControllerRefs.controllerOf(obj);
            boolean matches = selector.test(obj.getMetadata().getLabels());
            try {
                if (ref != null) {
                    if (!Objects.equals(ref.getUid(), owner.getMetadata().getUid())) {
                        continue;
                    }
                    if (matches || ownerDeleting) {
                        claimed.add(obj);
                        continue;
                    }
                    release(obj);
                    continue;
                }
                if (!matches || ownerDeleting || obj.getMetadata().getDeletionTimestamp() != null) {
                    continue;
                }
                if (!adoptionChecked) {
                    adoptionChecked = true;
                    try {
                        canAdopt.run();
                    } catch (StatusError e) {
                        adoptionRefused = true;
                        failure = e;
                    }
                }
                if (adoptionRefused) {
                    continue;
                }
                adopt.accept(obj);
                claimed.add(obj);
            } catch (StatusError e) {
                if (e.code() != 404) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return claimed;
    }

    private void release(T obj) {
        try {
            release.accept(obj);
        } catch (StatusError e) {
            if (e.code() != 404 && e.code() != 422) {
                throw e;
            }
        }
    }
}
