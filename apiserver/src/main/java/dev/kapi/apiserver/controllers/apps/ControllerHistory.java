package dev.kapi.apiserver.controllers.apps;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.kapi.apiserver.controllers.apps.ControllerRefs.longOf;

/**
 * The ControllerRevisions of a StatefulSet or DaemonSet (kube's {@code controller/history} as those
 * controllers use it): a revision's data is the patch {@code {"spec":{"template":{..., "$patch":"replace"}}}}, its name
 * {@code <owner>-<hash>} with the hash FNV-32 over the data (and the collisionCount) through
 * {@code SafeEncodeString}; a StatefulSet's pods carry that name as their {@code controller-revision-hash}
 * label, a DaemonSet's the hash. The update revision
 * is the revision equal to the current template: an older equal one is taken back with the next revision
 * number (a rollback), or a new one is created. Kube hashes Go's JSON encoding of the patch, Kapi the
 * canonical JSON of it (keys sorted, empty values left out): same form, not always kube's value.
 */
final class ControllerHistory {

    static final String LABEL = "controller-revision-hash";

    private final Store<ControllerRevision> store;
    private final WritePipeline writes;
    private final UserInfo user;

    ControllerHistory(Store<ControllerRevision> store, WritePipeline writes, UserInfo user) {
        this.store = store;
        this.writes = writes;
        this.user = user;
    }

    static Map<String, Object> patch(PodTemplateSpec podTemplate) {
        @SuppressWarnings("unchecked")
        Map<String, Object> template = Json.MAPPER.convertValue(podTemplate, LinkedHashMap.class);
        template.put("$patch", "replace");
        return Map.of("spec", Map.of("template", template));
    }

    static String hash(Object data, Integer collisionCount) {
        byte[] bytes = TemplateHash.canonicalJson(data).getBytes(StandardCharsets.UTF_8);
        int h = 0x811c9dc5;
        for (byte b : bytes) {
            h *= 0x01000193;
            h ^= b & 0xff;
        }
        if (collisionCount != null) {
            for (byte b : Integer.toString(collisionCount).getBytes(StandardCharsets.UTF_8)) {
                h *= 0x01000193;
                h ^= b & 0xff;
            }
        }
        return TemplateHash.safeEncode(Integer.toUnsignedString(h));
    }

    /**
     * The update revision for the set among its revisions (oldest first), created or renumbered as needed;
     * {@code collide} is called (and a 409 thrown) when the name is taken by other data.
     */
    ControllerRevision updateRevision(HasMetadata set, String kind, PodTemplateSpec podTemplate, Integer collisions,
                                      List<ControllerRevision> revisions, Runnable collide) {
        Map<String, Object> data = patch(podTemplate);
        String canonical = TemplateHash.canonicalJson(data);
        long next = revisions.stream().mapToLong(r -> longOf(r.getRevision())).max().orElse(0) + 1;
        ControllerRevision equal = null;
        for (ControllerRevision r : revisions) {
            if (TemplateHash.canonicalJson(r.getData()).equals(canonical)) {
                equal = r;
            }
        }
        String namespace = set.getMetadata().getNamespace();
        if (equal != null) {
            if (longOf(equal.getRevision()) == next - 1) {
                return equal;
            }
            return writes.update(WriteScope.of(store, namespace, user), equal.getMetadata().getName(), current -> {
                current.setRevision(next);
                return current;
            }, OperationOptions.update());
        }
        ControllerRevision r = new ControllerRevision();
        r.setApiVersion("apps/v1");
        r.setKind("ControllerRevision");
        ObjectMeta meta = new ObjectMeta();
        meta.setName(set.getMetadata().getName() + "-" + hash(data, collisions));
        meta.setNamespace(namespace);
        Map<String, String> labels = podTemplate.getMetadata() == null ? null : podTemplate.getMetadata().getLabels();
        meta.setLabels(labels == null ? null : new HashMap<>(labels));
        meta.setOwnerReferences(new ArrayList<>(List.of(ControllerRefs.controllerRef(set, "apps/v1", kind))));
        r.setMetadata(meta);
        r.setData(data);
        r.setRevision(next);
        try {
            return writes.create(WriteScope.of(store, namespace, user), r, OperationOptions.create());
        } catch (StatusError e) {
            if (e.code() != 409) {
                throw e;
            }
            ControllerRevision existing = store.get(namespace, meta.getName());
            if (ControllerRefs.controlledBy(existing, set)
                    && TemplateHash.canonicalJson(existing.getData()).equals(canonical)) {
                return existing; // ours, not yet in the informer's cache
            }
            collide.run();
            throw e;
        }
    }

    /** kube's {@code truncateHistory}: the oldest revisions no pod and no status names, beyond the limit. */
    void truncate(HasMetadata set, Integer historyLimit, List<ControllerRevision> revisions, Set<String> live) {
        int limit = historyLimit == null ? 10 : historyLimit;
        List<ControllerRevision> history = new ArrayList<>(revisions.stream()
                .filter(r -> !live.contains(r.getMetadata().getName())).toList());
        history.sort(Comparator.comparingLong(r -> longOf(r.getRevision())));
        for (int i = 0; i < history.size() - limit; i++) {
            try {
                writes.delete(WriteScope.of(store, set.getMetadata().getNamespace(), user),
                        history.get(i).getMetadata().getName(), OperationOptions.delete());
            } catch (StatusError e) {
                if (e.code() != 404) {
                    throw e;
                }
            }
        }
    }
}
