package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.ListResult;
import dev.kapi.apiserver.storage.StorageException;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.ArrayList;
import java.util.List;

/**
 * Lists for the {@link Store}: reads storage at the revision the request's {@code resourceVersion},
 * {@code resourceVersionMatch}, {@code limit} and {@code continue} ask for ({@link ResourceVersions}), and
 * fills a page with up to {@code limit} objects that pass the filter, reading further storage pages at the
 * same revision (by continue token) when the filter drops some.
 */
final class StoreLister<T extends HasMetadata> {

    private final Store<T> store;

    StoreLister(Store<T> store) {
        this.store = store;
    }

    ListPage<T> list(String namespace, ListParams<T> params) {
        ListPage<StoredObject<T>> page = listStored(namespace, params);
        List<T> items = new ArrayList<>(page.items().size());
        for (StoredObject<T> item : page.items()) {
            items.add(item.object());
        }
        return new ListPage<>(items, page.resourceVersion(), page.continueToken(), page.remainingItemCount());
    }

    /** As {@link #list}, the items as read: decoded only when the filter needed them. */
    ListPage<StoredObject<T>> listStored(String namespace, ListParams<T> params) {
        ListOptions options = ResourceVersions.list(params.resourceVersion(), params.resourceVersionMatch(),
                params.limit(), params.continueToken());
        String prefix = store.listPrefix(namespace);
        List<StoredObject<T>> items = new ArrayList<>();
        long limit = params.limit();
        long listRevision;
        String next;
        long remaining;
        try {
            while (true) {
                ListResult page = store.storage().list(prefix, options);
                for (KeyValue kv : page.items()) {
                    if (params.selectsAll()) {
                        items.add(new StoredObject<>(store, kv));
                        continue;
                    }
                    T obj = store.decode(kv);
                    if (params.matches(obj)) {
                        items.add(new StoredObject<>(store, kv, obj));
                    }
                }
                listRevision = page.revision();
                next = page.continueToken();
                remaining = page.remainingItemCount();
                if (next == null || limit <= 0 || items.size() >= limit) {
                    break;
                }
                options = ListOptions.continueFrom(next, limit - items.size());
            }
        } catch (StorageException e) {
            throw store.error(e, "");
        }
        Long remainingCount = next != null && remaining >= 0 && params.selectsAll()
                ? remaining : null;
        return new ListPage<>(items, Long.toString(listRevision), next, remainingCount);
    }

    /** Every matching object, all pages, at one revision. */
    List<T> listAll(String namespace, ListParams<T> params) {
        return list(namespace, new ListParams<>(params.filter(), params.resourceVersion(),
                params.resourceVersionMatch(), 0, null)).items();
    }
}
