package dev.kapi.apiserver.registry.fieldmanager;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.api.fieldpath.FieldSet;
import dev.kapi.apiserver.api.fieldpath.PathElement;
import dev.kapi.apiserver.api.merge.Conflicts;
import dev.kapi.apiserver.api.merge.TypeError;
import dev.kapi.apiserver.api.merge.Updater;
import dev.kapi.apiserver.api.merge.Validate;
import dev.kapi.apiserver.api.merge.VersionedSet;
import dev.kapi.apiserver.registry.ResourceDefinition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Keeps {@code metadata.managedFields} of one resource (or one of its subresources) through every write, as
 * kube's default field manager does: {@link #update} after a create, PUT or non-apply PATCH (the writer owns what
 * it added or changed), {@link #apply} for a server-side apply patch (merge, prune, conflicts). Meta fields
 * (name, uid, resourceVersion, ...) are never owned; the status of a resource with a status subresource is
 * owned only through it, and the rest only through the resource itself (kube's reset fields).
 */
public final class FieldManager {

    private static final Logger log = LoggerFactory.getLogger(FieldManager.class);
    private static final String CURRENT_OPERATION = "current-operation";
    private static final FieldSet STRIPPED = FieldSet.of(List.of(
            path("apiVersion"), path("kind"), path("metadata"), path("metadata", "name"),
            path("metadata", "namespace"), path("metadata", "creationTimestamp"), path("metadata", "selfLink"),
            path("metadata", "uid"), path("metadata", "clusterName"), path("metadata", "generation"),
            path("metadata", "managedFields"), path("metadata", "resourceVersion")));

    private final ResourceDefinition<?> definition;
    private final String subresource;
    private final Updater updater;

    private FieldManager(ResourceDefinition<?> definition, String subresource) {
        this.definition = definition;
        this.subresource = subresource == null ? "" : subresource;
        this.updater = new Updater(definition.schema(), ResetFields.of(definition, this.subresource));
    }

    /** The field manager of writes to {@code definition}'s objects through {@code subresource} (null: none). */
    public static FieldManager of(ResourceDefinition<?> definition, String subresource) {
        return new FieldManager(definition, subresource);
    }

    /**
     * kube's {@code UpdateNoErrors}: sets {@code updated}'s managedFields after {@code manager} wrote it over
     * {@code live} (null for a create). The managedFields sent with {@code updated} are taken when they are
     * valid ({@code []} clears them), else the live ones; if tracking fails the live ones are kept.
     */
    public void update(HasMetadata live, HasMetadata updated, String manager) {
        List<ManagedFieldsEntry> liveEntries = live == null || live.getMetadata() == null ? null
                : live.getMetadata().getManagedFields();
        Managed managed = decodeLiveOrNew(liveEntries, updated.getMetadata().getManagedFields());
        updated.getMetadata().setManagedFields(null);
        try {
            JsonNode liveTree = live == null ? null : withoutManagedFields(Json.tree(live));
            Updater.Result r = updater.update(liveTree, Json.tree(updated), definition.apiVersion(),
                    managed.fields, CURRENT_OPERATION);
            Managed after = keep(managed, r);
            strip(after, CURRENT_OPERATION);
            VersionedSet taken = after.fields.remove(CURRENT_OPERATION);
            if (taken != null) {
                ManagerId id = new ManagerId(manager.isEmpty() ? "unknown" : manager, ManagerId.UPDATE,
                        definition.apiVersion(), subresource);
                VersionedSet previous = after.fields.get(id.key());
                after.put(id, previous == null ? taken
                        : new VersionedSet(taken.set().union(previous.set()), taken.apiVersion(), false), now());
            }
            UpdateManagerCap.cap(after);
            updated.getMetadata().setManagedFields(after.encode());
        } catch (RuntimeException e) {
            log.error("[SHOULD NOT HAPPEN] failed to update managedFields of {} {}/{}; kept the previous ones",
                    definition.kind(), updated.getMetadata().getNamespace(), updated.getMetadata().getName(), e);
            updated.getMetadata().setManagedFields(liveEntries);
        }
    }

    /**
     * kube's {@code Apply}: {@code config} (an apply patch, checked against the schema) applied by {@code manager}
     * to {@code live} (null: the object does not exist yet). Returns the new object's JSON with its
     * managedFields; 409 with kube's message listing each conflict unless {@code force}, 400 for a
     * configuration that does not fit the schema.
     */
    public ObjectNode apply(HasMetadata live, ObjectNode config, String manager, boolean force) {
        checkConfig(config);
        Managed managed;
        try {
            managed = Managed.decode(live == null ? null : live.getMetadata().getManagedFields());
        } catch (IllegalArgumentException e) {
            throw StatusError.internal("failed to decode managed fields: " + e.getMessage());
        }
        ObjectNode liveTree = live == null ? null : withoutManagedFields(Json.tree(live));
        ManagerId id = new ManagerId(manager, ManagerId.APPLY, "", subresource);
        managed.ids.put(id.key(), id);
        Updater.Result r;
        try {
            r = updater.apply(liveTree, config, definition.apiVersion(), managed.fields, id.key(), force);
        } catch (Conflicts c) {
            r = LastApplied.retryAllowed(this, liveTree, managed, id, c, () -> updater.apply(liveTree, config,
                    definition.apiVersion(), managed.fields, id.key(), true));
        } catch (TypeError e) {
            // the configuration was checked: what does not fit is the stored object (kube: a 500 as well)
            throw StatusError.internal("failed to create typed live object (" + definition.kind() + " "
                    + (live == null ? "" : live.getMetadata().getName()) + "): " + e.getMessage());
        }
        Managed after = keep(managed, r);
        strip(after, id.key());
        boolean changed = r.object() != liveTree && liveTree != null || live == null;
        if (changed && after.fields.containsKey(id.key())) {
            after.times.put(id.key(), now());
        }
        ObjectNode out = ((ObjectNode) r.object()).deepCopy();
        if (id.manager().equals(LastApplied.KUBECTL) && liveTree != null) {
            LastApplied.sync(liveTree, config, out);
        }
        ObjectNode meta = out.has("metadata") && out.get("metadata").isObject() ? (ObjectNode) out.get("metadata")
                : out.putObject("metadata");
        List<ManagedFieldsEntry> entries = after.encode();
        meta.remove("managedFields");
        if (entries != null) {
            meta.set("managedFields", Json.tree(entries));
        }
        return out;
    }

    ResourceDefinition<?> definition() {
        return definition;
    }

    private void checkConfig(ObjectNode config) {
        String apiVersion = config.path("apiVersion").asString("");
        String kind = config.path("kind").asString("");
        if (!apiVersion.equals(definition.apiVersion()) || !kind.equals(definition.kind())) {
            throw StatusError.badRequest("invalid object type: " + gvk(apiVersion, kind));
        }
        JsonNode meta = config.get("metadata");
        if (meta != null && meta.has("managedFields") && !meta.get("managedFields").isNull()) {
            throw StatusError.badRequest("metadata.managedFields must be nil");
        }
        try {
            Validate.check(definition.schema(), config);
        } catch (TypeError e) {
            throw StatusError.badRequest("failed to create typed patch object ("
                    + meta(config, "namespace") + "/" + meta(config, "name") + "; "
                    + gvk(apiVersion, kind) + "): " + e.getMessage());
        }
    }

    private static String meta(JsonNode config, String field) {
        return config.path("metadata").path(field).asString("");
    }

    /** Go's {@code schema.GroupVersionKind.String()}: {@code apps/v1, Kind=Deployment}, {@code /v1, Kind=Pod}. */
    private static String gvk(String apiVersion, String kind) {
        return (apiVersion.contains("/") ? apiVersion : "/" + apiVersion) + ", Kind=" + kind;
    }

    /** The managers after an operation, with the identities and times of the ones that stay. */
    private static Managed keep(Managed before, Updater.Result r) {
        Managed after = new Managed(r.managers());
        after.ids.putAll(before.ids);
        after.times.putAll(before.times);
        after.decoded.putAll(before.decoded);
        after.ids.keySet().retainAll(after.fields.keySet());
        after.times.keySet().retainAll(after.fields.keySet());
        return after;
    }

    /** kube's stripMetaManager: the meta fields are nobody's. */
    private static void strip(Managed managed, String key) {
        VersionedSet vs = managed.fields.get(key);
        if (vs == null) {
            return;
        }
        FieldSet s = vs.set().difference(STRIPPED);
        if (s.isEmpty()) {
            managed.fields.remove(key);
        } else {
            managed.fields.put(key, new VersionedSet(s, vs.apiVersion(), vs.applied()));
        }
    }

    /** kube's {@code decodeLiveOrNew}: the request's managedFields unless missing or malformed. */
    private Managed decodeLiveOrNew(List<ManagedFieldsEntry> live, List<ManagedFieldsEntry> requested) {
        if (subresource.isEmpty()) {
            if (Managed.isReset(requested)) {
                return Managed.empty();
            }
            try {
                Managed m = Managed.decode(requested);
                if (!m.fields.isEmpty()) {
                    return m;
                }
            } catch (IllegalArgumentException e) {
                // malformed: fall back to the live object's, as kube does
            }
        }
        try {
            return Managed.decode(live);
        } catch (IllegalArgumentException e) {
            return Managed.empty();
        }
    }

    static ObjectNode withoutManagedFields(JsonNode tree) {
        ObjectNode o = (ObjectNode) tree;
        if (o.get("metadata") instanceof ObjectNode meta) {
            meta.remove("managedFields");
        }
        return o;
    }

    static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static List<PathElement> path(String... fields) {
        return java.util.Arrays.stream(fields).<PathElement>map(PathElement.Field::new).toList();
    }
}
