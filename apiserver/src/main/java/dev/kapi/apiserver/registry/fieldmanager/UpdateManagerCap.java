package dev.kapi.apiserver.registry.fieldmanager;

import dev.kapi.apiserver.api.merge.VersionedSet;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * kube's {@code capManagersManager}: at most ten update managers are kept; beyond that the oldest are merged,
 * per API version, into an {@code ancient-changes} manager.
 */
final class UpdateManagerCap {

    static final int MAX_UPDATE_MANAGERS = 10;
    private static final String BUCKET = "ancient-changes";

    private UpdateManagerCap() {
    }

    static void cap(Managed managed) {
        List<String> updaters = new ArrayList<>();
        managed.fields.forEach((key, vs) -> {
            if (!vs.applied()) {
                updaters.add(key);
            }
        });
        if (updaters.size() <= MAX_UPDATE_MANAGERS) {
            return;
        }
        updaters.sort((a, b) -> {
            int c = time(managed, a).compareTo(time(managed, b));
            return c != 0 ? c : a.compareTo(b);
        });
        Map<String, String> firstOfVersion = new HashMap<>();
        int length = updaters.size();
        for (int i = 0; i < updaters.size() && length > MAX_UPDATE_MANAGERS; i++) {
            String key = updaters.get(i);
            VersionedSet vs = managed.fields.get(key);
            String time = managed.times.get(key);
            ManagerId bucket = new ManagerId(BUCKET, ManagerId.UPDATE, vs.apiVersion(), "");
            String first = firstOfVersion.putIfAbsent(vs.apiVersion(), key);
            if (first == null) {
                continue;
            }
            if (!managed.fields.containsKey(bucket.key())) {
                managed.put(bucket, managed.fields.remove(first), managed.times.remove(first));
                managed.ids.remove(first);
            }
            VersionedSet merged = new VersionedSet(vs.set().union(managed.fields.get(bucket.key()).set()),
                    vs.apiVersion(), vs.applied());
            managed.fields.remove(key);
            managed.ids.remove(key);
            managed.times.remove(key);
            managed.put(bucket, merged, time);
            length--;
        }
    }

    private static String time(Managed managed, String key) {
        String t = managed.times.get(key);
        return t == null ? "" : t;
    }
}
