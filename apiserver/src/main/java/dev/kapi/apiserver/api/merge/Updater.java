package dev.kapi.apiserver.api.merge;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.fieldpath.FieldSet;
import dev.kapi.apiserver.api.fieldpath.JsonValues;
import dev.kapi.apiserver.api.fieldpath.PathElement;
import dev.kapi.apiserver.api.schema.Schema;
import tools.jackson.databind.JsonNode;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Keeps field ownership through applies and updates (smd's {@code merge.Updater}), for objects of one schema.
 * Managers are opaque names (kube encodes manager, operation and subresource in them). All versions of an
 * object are taken to share the schema, so no conversion happens. {@code ignored} fields (kube's reset fields,
 * such as {@code status} for the main resource) are never owned and never conflict.
 *
 * <p>An update: every field the new object adds or changes becomes the manager's, and is taken from the managers
 * that had it; removed fields are dropped from everybody. An apply: the configuration is merged into the live
 * object; the fields the manager applied last time but not now are removed unless another manager owns them;
 * the manager owns exactly what it applied; changing a field another manager owns is a {@link Conflicts}
 * unless forced, which takes the field from that manager.
 */
public final class Updater {

    private final Schema schema;
    private final FieldSet ignored;

    public Updater(Schema rootSchema) {
        this(rootSchema, FieldSet.empty());
    }

    public Updater(Schema rootSchema, FieldSet ignored) {
        this.schema = rootSchema;
        this.ignored = ignored;
    }

    /** The new object (the live one, unchanged, when an apply changes nothing) and the managers after. */
    public record Result(JsonNode object, Map<String, VersionedSet> managers) {
    }

    /** An apply of {@code config} by {@code manager} to {@code live} (null: the object does not exist yet). */
    public Result apply(JsonNode live, JsonNode config, String apiVersion, Map<String, VersionedSet> managers,
                        String manager, boolean force) {
        Map<String, VersionedSet> m = reconciled(managers);
        JsonNode liveValue = live == null ? Json.MAPPER.createObjectNode() : live;
        JsonNode merged = orEmpty(Merge.of(schema, liveValue, config));
        VersionedSet last = m.get(manager);
        FieldSet set = ToFieldSet.of(schema, config).recursiveDifference(ignored);
        m.put(manager, new VersionedSet(set, apiVersion, true));
        merged = prune(merged, m, last, set);
        update(liveValue, merged, m, manager, force);
        return new Result(JsonValues.equal(liveValue, merged) ? liveValue : merged, m);
    }

    /** An update by {@code manager} from {@code live} (null on create) to {@code updated}. */
    public Result update(JsonNode live, JsonNode updated, String apiVersion, Map<String, VersionedSet> managers,
                         String manager) {
        Map<String, VersionedSet> m = reconciled(managers);
        Comparison compare = update(live, updated, m, manager, true);
        VersionedSet previous = m.get(manager);
        FieldSet set = (previous == null ? FieldSet.empty() : previous.set()).difference(compare.removed())
                .union(compare.modified()).union(compare.added()).recursiveDifference(ignored);
        if (set.isEmpty()) {
            m.remove(manager);
        } else {
            m.put(manager, new VersionedSet(set, apiVersion, false));
        }
        return new Result(updated, m);
    }

    /** The managers, their fields brought up to the schema (smd's {@code reconcileManagedFieldsWithSchemaChanges}). */
    private Map<String, VersionedSet> reconciled(Map<String, VersionedSet> managers) {
        Map<String, VersionedSet> m = new LinkedHashMap<>();
        managers.forEach((name, vs) -> {
            FieldSet s = SchemaReconcile.of(vs.set(), schema);
            m.put(name, s == vs.set() ? vs : new VersionedSet(s, vs.apiVersion(), vs.applied()));
        });
        return m;
    }

    /** Takes changed fields from the other managers (or refuses, unforced); drops removed ones from all. */
    private Comparison update(JsonNode oldObject, JsonNode newObject, Map<String, VersionedSet> managers,
                              String workflow, boolean force) {
        Comparison compare = Compare.of(schema, oldObject, newObject).excluding(ignored);
        FieldSet changed = compare.modified().union(compare.added());
        Map<String, FieldSet> conflicts = new HashMap<>();
        for (Map.Entry<String, VersionedSet> e : managers.entrySet()) {
            if (e.getKey().equals(workflow)) {
                continue;
            }
            FieldSet conflict = e.getValue().set().intersection(changed);
            if (!conflict.isEmpty()) {
                conflicts.put(e.getKey(), conflict);
            }
        }
        if (!force && !conflicts.isEmpty()) {
            throw Conflicts.of(conflicts);
        }
        managers.replaceAll((name, vs) -> {
            if (name.equals(workflow)) {
                return vs;
            }
            FieldSet s = vs.set().difference(conflicts.getOrDefault(name, FieldSet.empty()))
                    .difference(compare.removed());
            return s == vs.set() ? vs : new VersionedSet(s, vs.apiVersion(), vs.applied());
        });
        managers.values().removeIf(vs -> vs.set().isEmpty());
        return compare;
    }

    /** Removes what {@code last} (the manager's previous apply) had and nobody owns any more. */
    private JsonNode prune(JsonNode merged, Map<String, VersionedSet> managers, VersionedSet last, FieldSet applied) {
        // nothing to prune when the manager still applies all it applied last time (re-applying a manifest
        // with new values): whatever the last apply set is owned now, so smd's steps below would remove nothing
        if (last == null || last.set().isEmpty() || last.set().difference(applied).isEmpty()) {
            return merged;
        }
        JsonNode pruned = orEmpty(RemoveItems.remove(schema, merged, namedFieldsAsMembers(last.set(), schema)));
        FieldSet owned = FieldSet.empty();
        for (VersionedSet vs : managers.values()) {
            owned = owned.union(vs.set());
        }
        FieldSet mergedSet = namedFieldsAsMembers(ToFieldSet.of(schema, merged), schema);
        FieldSet prunedSet = namedFieldsAsMembers(ToFieldSet.of(schema, pruned), schema);
        // add back what somebody owns
        pruned = orEmpty(RemoveItems.remove(schema, merged,
                mergedSet.difference(prunedSet.union(namedFieldsAsMembers(owned, schema)))));
        // and what was pruned without having been applied last time (dangling)
        prunedSet = namedFieldsAsMembers(ToFieldSet.of(schema, pruned), schema);
        FieldSet lastSet = namedFieldsAsMembers(last.set(), schema);
        return orEmpty(RemoveItems.remove(schema, merged, mergedSet.difference(prunedSet).intersection(lastSet)));
    }

    /**
     * smd's {@code EnsureNamedFieldsAreMembers}: the set with every named struct field that has paths below it
     * also a member, so that removing the set removes a struct field emptied of what was owned in it.
     */
    static FieldSet namedFieldsAsMembers(FieldSet set, Schema s) {
        if (set.children().isEmpty()) {
            return set;
        }
        TreeSet<PathElement> members = new TreeSet<>(set.members());
        Map<PathElement, FieldSet> children = new LinkedHashMap<>();
        set.children().forEach((pe, child) -> {
            Schema childSchema = null;
            if (pe instanceof PathElement.Field f) {
                if (Types.namedField(s, f.name())) {
                    members.add(pe);
                }
                childSchema = Types.field(s, f.name());
            } else if (pe instanceof PathElement.Key) {
                childSchema = Types.items(s);
            }
            children.put(pe, namedFieldsAsMembers(child, childSchema));
        });
        return FieldSet.of(members, children);
    }

    private static JsonNode orEmpty(JsonNode n) {
        return n == null || n.isNull() ? Json.MAPPER.createObjectNode() : n;
    }
}
