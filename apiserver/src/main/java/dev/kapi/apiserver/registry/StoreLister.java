package dev.kapi.apiserver.registry;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.ListResult;
import dev.kapi.apiserver.storage.StorageException;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.ArrayList;
import java.util.List;

/**
 * Lists for the {@link Store}: resolves {@code resourceVersion}/{@code resourceVersionMatch} as
 * kube-apiserver does, and fills a page with up to {@code limit} objects that pass the filter, reading
 * further storage pages at the same revision when the filter drops some.
 */
final class StoreLister<T extends HasMetadata> {

    private final Store<T> store;

    StoreLister(Store<T> store) {
        this.store = store;
    }

    ListPage<T> list(String namespace, ListParams<T> params) {
        long revision = resolveRevision(params);
        String prefix = store.listPrefix(namespace);
        List<T> items = new ArrayList<>();
        String token = params.continueToken();
        long limit = params.limit();
        long listRevision;
        String next;
        long remaining;
        try {
            while (true) {
                long want = limit <= 0 ? 0 : limit - items.size();
                ListResult page = store.storage().list(prefix,
                        token != null ? ListOptions.continueFrom(token, want) : ListOptions.atRevision(revision, want));
                for (KeyValue kv : page.items()) {
                    T obj = store.decode(kv);
                    if (params.matches(obj)) {
                        items.add(obj);
                    }
                }
                listRevision = page.revision();
                revision = listRevision;
                next = page.continueToken();
                remaining = page.remainingItemCount();
                if (next == null || limit <= 0 || items.size() >= limit) {
                    break;
                }
                token = next;
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

    private long resolveRevision(ListParams<T> params) {
        String rv = params.resourceVersion() == null ? "" : params.resourceVersion();
        String match = params.resourceVersionMatch() == null ? "" : params.resourceVersionMatch();
        if (params.continueToken() != null && !params.continueToken().isEmpty()) {
            if (!match.isEmpty()) {
                throw StatusError.invalid("ListOptions", "meta.k8s.io", "", List.of(FieldError.forbidden(
                        "resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided")));
            }
            if (!rv.isEmpty() && !rv.equals("0")) {
                throw StatusError.badRequest("specifying resource version is not allowed when using continue");
            }
            return 0;
        }
        validateMatch(rv, match);
        if (rv.isEmpty() || rv.equals("0")) {
            return 0;
        }
        long requested = parseResourceVersion(rv);
        if (match.equals("Exact")) {
            return requested;
        }
        long current = store.storage().currentRevision();
        if (requested > current) {
            throw StatusError.timeout("Too large resource version: " + requested + ", current: " + current);
        }
        return 0;
    }

    /** kube's ListOptions validation of resourceVersionMatch: 422 Invalid on {@code ListOptions.meta.k8s.io}. */
    private static void validateMatch(String rv, String match) {
        if (match.isEmpty()) {
            return;
        }
        List<FieldError> errs = new ArrayList<>();
        if (rv.isEmpty()) {
            errs.add(FieldError.forbidden("resourceVersionMatch",
                    "resourceVersionMatch is forbidden unless resourceVersion is provided"));
        }
        if (match.equals("Exact") && rv.equals("0")) {
            errs.add(FieldError.forbidden("resourceVersionMatch",
                    "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
        } else if (!match.equals("Exact") && !match.equals("NotOlderThan")) {
            errs.add(FieldError.notSupported("resourceVersionMatch", match, List.of("Exact", "NotOlderThan", "")));
        }
        if (!errs.isEmpty()) {
            throw StatusError.invalid("ListOptions", "meta.k8s.io", "", errs);
        }
    }

    static long parseResourceVersion(String rv) {
        try {
            long v = Long.parseLong(rv);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw StatusError.badRequest("invalid resource version: \"" + rv + "\"");
        }
    }
}
