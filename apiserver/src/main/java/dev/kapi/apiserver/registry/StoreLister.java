package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.storage.ContinueTokens;
import dev.kapi.apiserver.storage.IndexMatch;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.ListResult;
import dev.kapi.apiserver.storage.StorageException;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Lists for the {@link Store}: reads storage at the revision the request's {@code resourceVersion},
 * {@code resourceVersionMatch}, {@code limit} and {@code continue} ask for ({@link ResourceVersions}), and
 * fills a page with up to {@code limit} objects that pass the filter, reading further storage pages at the
 * same revision (by continue token) when the filter drops some. A filter of labels alone reads each item's labels
 * from its stored JSON ({@link StoredLabels}); any other filter decodes every item read.
 */
final class StoreLister<T extends HasMetadata> {

    /** kube's etcd3 {@code maxLimit}: the largest page read to fill a filtered list's limit. */
    static final long MAX_FILTERED_PAGE = 10_000;
    /** A DNS-1123 label: what a namespace's name must be. */
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private final Store<T> store;

    StoreLister(Store<T> store) {
        this.store = store;
    }

    /** The decoded page; without {@code metadata.managedFields} unless {@code managedFields}. */
    ListPage<T> list(String namespace, ListParams<T> params, boolean managedFields) {
        ListPage<StoredObject<T>> page = listStored(namespace, params);
        List<T> items = new ArrayList<>(page.items().size());
        for (StoredObject<T> item : page.items()) {
            items.add(managedFields ? item.object() : item.objectWithoutManagedFields());
        }
        return new ListPage<>(items, page.resourceVersion(), page.continueToken(), page.remainingItemCount());
    }

    /** As {@link #list}, the items as read: decoded only when the filter needed them. */
    ListPage<StoredObject<T>> listStored(String namespace, ListParams<T> params) {
        ListOptions options = ResourceVersions.list(params.resourceVersion(), params.resourceVersionMatch(),
                params.limit(), params.continueToken()).withIndex(indexHint(params))
                .withSelective(!params.selectsAll());
        String prefix = store.listPrefix(namespace != null ? namespace : pinnedNamespace(params));
        List<StoredObject<T>> items = new ArrayList<>();
        long limit = params.limit();
        Predicate<Map<String, String>> labelsOnly = labelsOnly(params);
        long listRevision;
        String next;
        long remaining;
        try {
            long pageSize = limit;
            String lastTaken = null;
            while (true) {
                ListResult page = store.storage().list(prefix, options);
                listRevision = page.revision();
                next = page.continueToken();
                remaining = page.remainingItemCount();
                for (KeyValue kv : page.items()) {
                    if (limit > 0 && items.size() >= limit) {
                        // a page grown past what the filter still needed: go on after the last item taken
                        next = ContinueTokens.encode(prefix, lastTaken + "\u0000", listRevision);
                        break;
                    }
                    StoredObject<T> taken = take(kv, params, labelsOnly);
                    if (taken != null) {
                        items.add(taken);
                        lastTaken = kv.key();
                    }
                }
                if (next == null || limit <= 0 || items.size() >= limit) {
                    break;
                }
                // the filter dropped items: read twice as many next time, as kube's etcd3 store does, so that a
                // selector matching little costs a few reads instead of one per object
                pageSize = Math.min(Math.max(pageSize * 2, limit - items.size()), MAX_FILTERED_PAGE);
                options = ListOptions.continueFrom(next, pageSize);
            }
        } catch (StorageException e) {
            throw store.error(e, "");
        }
        Long remainingCount = next != null && remaining >= 0 && params.selectsAll()
                ? remaining : null;
        return new ListPage<>(items, Long.toString(listRevision), next, remainingCount);
    }

    /** The item when the list's selectors take it (decoded only when they need the object), else null. */
    private StoredObject<T> take(KeyValue kv, ListParams<T> params, Predicate<Map<String, String>> labelsOnly) {
        if (params.selectsAll()) {
            return new StoredObject<>(store, kv);
        }
        Map<String, String> labels = labelsOnly != null ? storedLabels(kv) : null;
        if (labels != null) {
            return labelsOnly.test(labels) ? new StoredObject<>(store, kv) : null;
        }
        T obj = store.decode(kv);
        return params.matches(obj) ? new StoredObject<>(store, kv, obj) : null;
    }

    /**
     * The namespace a cluster-wide list's field selector pins ({@code metadata.namespace=team-a}), read as a
     * namespaced list (kube's {@code MatchesSingleNamespace}); null when none or not a namespace name.
     */
    private String pinnedNamespace(ListParams<T> params) {
        if (!store.definition().namespaced() || !(params.filter() instanceof FieldPinningFilter<T> pins)) {
            return null;
        }
        String namespace = pins.pinned("metadata.namespace");
        return namespace != null && NAMESPACE.matcher(namespace).matches() ? namespace : null;
    }

    /**
     * The filter's label test when it tests labels only and the stored JSON is the served object's (so the
     * stored labels are the object's, and no conversion stands between), else null (decode every item).
     */
    private Predicate<Map<String, String>> labelsOnly(ListParams<T> params) {
        return params.filter() instanceof FieldPinningFilter<T> f && store.definition().storageForm().servesStoredJson()
                ? f.labelsOnly() : null;
    }

    /**
     * The labels of a stored value written as the served version and kind (a custom resource stored at an older
     * version is converted on reading, and a conversion may change its labels), else null (decode it).
     */
    private Map<String, String> storedLabels(KeyValue kv) {
        ResourceDefinition<T> def = store.definition();
        return StoredJson.metadataStart(kv.value(), def.apiVersion(), def.kind()) >= 0 ? StoredLabels.of(kv.value())
                : null;
    }

    /** The watch cache's index hint for the first indexed field the filter pins, or null. */
    private IndexMatch indexHint(ListParams<T> params) {
        if (params.filter() instanceof FieldPinningFilter<T> pins) {
            for (String field : store.definition().strategy().indexedFields()) {
                String value = pins.pinned(field);
                if (value != null) {
                    return new IndexMatch(field, value);
                }
            }
        }
        return null;
    }

    /** Every matching object, all pages, at one revision. */
    List<T> listAll(String namespace, ListParams<T> params) {
        return list(namespace, new ListParams<>(params.filter(), params.resourceVersion(),
                params.resourceVersionMatch(), 0, null), true).items();
    }
}
