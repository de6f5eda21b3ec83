package dev.kapi.apiserver.registry.fieldmanager;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.fieldpath.FieldSet;
import dev.kapi.apiserver.api.fieldpath.FieldsV1;
import dev.kapi.apiserver.api.merge.VersionedSet;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The decoded {@code managedFields} of an object (kube's {@code ManagedInterface}): each manager's fields by its
 * {@link ManagerId#key()}, its identity, and the time of its last change. Mutable, used within one write.
 */
final class Managed {

    final Map<String, VersionedSet> fields;
    final Map<String, ManagerId> ids = new HashMap<>();
    final Map<String, String> times = new HashMap<>();
    /** The FieldsV1 each manager was decoded from, with its set: written back as it was while the set is equal. */
    final Map<String, Decoded> decoded = new HashMap<>();

    record Decoded(FieldSet set, io.fabric8.kubernetes.api.model.FieldsV1 fieldsV1) {
    }

    Managed(Map<String, VersionedSet> fields) {
        this.fields = new LinkedHashMap<>(fields);
    }

    static Managed empty() {
        return new Managed(Map.of());
    }

    /** kube's {@code DecodeManagedFields}; an {@link IllegalArgumentException} for a malformed entry. */
    static Managed decode(List<ManagedFieldsEntry> entries) {
        Managed m = empty();
        if (entries == null) {
            return m;
        }
        for (int i = 0; i < entries.size(); i++) {
            ManagedFieldsEntry e = entries.get(i);
            if (e == null) {
                throw new IllegalArgumentException("managed fields entry " + i + " is null");
            }
            if (!ManagerId.APPLY.equals(e.getOperation()) && !ManagerId.UPDATE.equals(e.getOperation())) {
                throw new IllegalArgumentException("operation must be `Apply` or `Update`");
            }
            if (e.getApiVersion() == null || e.getApiVersion().isEmpty()) {
                throw new IllegalArgumentException("apiVersion must not be empty");
            }
            if (e.getFieldsType() == null || e.getFieldsType().isEmpty()) {
                throw new IllegalArgumentException("missing fieldsType in managed fields entry " + i);
            }
            if (!"FieldsV1".equals(e.getFieldsType())) {
                throw new IllegalArgumentException("invalid fieldsType \"" + e.getFieldsType()
                        + "\" in managed fields entry " + i);
            }
            FieldSet set = e.getFieldsV1() == null ? FieldSet.empty() : FieldsV1.toSet(Json.tree(e.getFieldsV1()));
            ManagerId id = ManagerId.of(e);
            if (e.getFieldsV1() != null) {
                m.decoded.put(id.key(), new Decoded(set, e.getFieldsV1()));
            }
            m.put(id, new VersionedSet(set, e.getApiVersion(), ManagerId.APPLY.equals(e.getOperation())),
                    e.getTime());
        }
        return m;
    }

    void put(ManagerId id, VersionedSet set, String time) {
        fields.put(id.key(), set);
        ids.put(id.key(), id);
        if (time != null) {
            times.put(id.key(), time);
        }
    }

    /**
     * kube's {@code isResetManagedFields}: one entry with nothing in it. kube's other spelling, {@code []}, is
     * turned into this one where a request is decoded, because a fabric8 object has an empty list also when no
     * managedFields were given (which keeps the live ones).
     */
    static boolean isReset(List<ManagedFieldsEntry> entries) {
        return entries != null && entries.size() == 1 && (entries.get(0) == null
                || entries.get(0).equals(new ManagedFieldsEntry()));
    }

    /** kube's {@code encodeManagedFields}: sorted by operation, time, manager, API version, subresource; null if none. */
    List<ManagedFieldsEntry> encode() {
        if (fields.isEmpty()) {
            return null;
        }
        List<ManagedFieldsEntry> out = new ArrayList<>();
        fields.forEach((key, vs) -> {
            ManagerId id = ids.get(key);
            ManagedFieldsEntry e = new ManagedFieldsEntry();
            e.setManager(id.manager());
            e.setOperation(vs.applied() ? ManagerId.APPLY : ManagerId.UPDATE);
            e.setApiVersion(vs.apiVersion());
            e.setSubresource(id.subresource().isEmpty() ? null : id.subresource());
            e.setTime(times.get(key));
            e.setFieldsType("FieldsV1");
            Decoded before = decoded.get(key);
            e.setFieldsV1(before != null && before.set().equals(vs.set()) ? before.fieldsV1() : fabric8(vs.set()));
            out.add(e);
        });
        out.sort(Comparator.comparing(ManagedFieldsEntry::getOperation)
                .thenComparing(e -> e.getTime() == null ? "" : e.getTime())
                .thenComparing(ManagedFieldsEntry::getManager)
                .thenComparing(ManagedFieldsEntry::getApiVersion)
                .thenComparing(e -> e.getSubresource() == null ? "" : e.getSubresource()));
        return out;
    }

    private static io.fabric8.kubernetes.api.model.FieldsV1 fabric8(FieldSet set) {
        var out = new io.fabric8.kubernetes.api.model.FieldsV1();
        out.setAdditionalProperties(FieldsV1.asMap(set));
        return out;
    }
}
