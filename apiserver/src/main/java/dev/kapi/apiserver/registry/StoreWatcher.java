package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.storage.StorageException;
import dev.kapi.apiserver.storage.WatchOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens API watches for the {@link Store} with kube-apiserver's start semantics:
 * {@code resourceVersion} "" or "0" sends the current state as ADDED first; N sends every change after N;
 * {@code sendInitialEvents=true} (with {@code resourceVersionMatch=NotOlderThan}) sends the current state
 * and then a BOOKMARK annotated {@code k8s.io/initial-events-end: "true"}.
 */
public final class StoreWatcher<T extends HasMetadata> {

    private final Store<T> store;
    private final Set<StoreWatch<T>> open = ConcurrentHashMap.newKeySet();
    private volatile boolean retired;

    StoreWatcher(Store<T> store) {
        this.store = store;
    }

    /**
     * Ends every open watch, and from now on every watch as soon as it opens: the resource is no longer
     * served (unregistered, or its definition replaced), as kube-apiserver ends the watches of a deleted
     * custom resource. Clients see the stream end and watch again, which finds what is served now.
     */
    void retire() {
        retired = true;
        open.forEach(StoreWatch::close);
    }

    public StoreWatch<T> open(String namespace, WatchParams<T> params) {
        String rv = params.resourceVersion() == null ? "" : params.resourceVersion();
        String match = params.resourceVersionMatch() == null ? "" : params.resourceVersionMatch();
        Boolean initial = params.sendInitialEvents();
        if (initial != null) {
            if (!match.equals("NotOlderThan")) {
                throw StatusError.invalid("ListOptions", "meta.k8s.io", "",
                        java.util.List.of(dev.kapi.apiserver.api.FieldError.forbidden("sendInitialEvents",
                                "sendInitialEvents is forbidden for watch unless resourceVersionMatch is set to NotOlderThan")));
            }
            if (initial && !params.allowBookmarks()) {
                throw StatusError.invalid("ListOptions", "meta.k8s.io", "",
                        java.util.List.of(dev.kapi.apiserver.api.FieldError.forbidden("allowWatchBookmarks",
                                "allowWatchBookmarks required when sendInitialEvents is true")));
            }
        } else if (!match.isEmpty()) {
            throw StatusError.invalid("ListOptions", "meta.k8s.io", "",
                    java.util.List.of(dev.kapi.apiserver.api.FieldError.forbidden("resourceVersionMatch",
                            "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided")));
        }
        boolean sendInitial = initial != null ? initial : (rv.isEmpty() || rv.equals("0"));
        StoreWatch<T> watch = new StoreWatch<>(store, params, open::remove);
        long from;
        if (sendInitial) {
            // queued as stored, decoded one at a time as the client reads (see StoreWatch#offerInitial)
            ListPage<StoredObject<T>> current = store.listStored(namespace,
                    new ListParams<>(params.filter(), "", "", 0, null));
            from = Long.parseLong(current.resourceVersion());
            if (!rv.isEmpty() && !rv.equals("0") && ResourceVersions.parse(rv) > from) {
                throw StatusError.tooLargeResourceVersion("Too large resource version: " + rv + ", current: " + from);
            }
            for (StoredObject<T> item : current.items()) {
                watch.offerInitial(item.stored());
            }
            if (Boolean.TRUE.equals(initial)) {
                watch.offerInitial(new ApiWatchEvent("BOOKMARK", watch.bookmark(from, true)));
            }
        } else if (rv.isEmpty() || rv.equals("0")) {
            from = store.storage().currentRevision();
        } else {
            from = ResourceVersions.parse(rv);
        }
        open.add(watch);
        try {
            WatchOptions options = WatchOptions.from(from);
            watch.start(store.storage().watch(store.listPrefix(namespace),
                    params.allowBookmarks() ? options.withProgressNotify() : options, watch::offer));
        } catch (StorageException e) {
            watch.close();
            throw store.error(e, "");
        }
        if (retired) {
            watch.close(); // retired while this watch was opening: it ends at once
        }
        return watch;
    }
}
