package dev.kapi.apiserver.registry.rest;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.HasMetadata;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One resource under test in {@link ResourceContractTest}: its definition, store and sample, and the
 * namespace it works in (a fresh one per test for namespaced resources, null for cluster-scoped ones). Writes
 * go through the {@link WritePipeline} (without admission plugins), as every write does.
 */
final class Subject<T extends HasMetadata> {

    static final boolean PLAIN = false;
    static final boolean DRY_RUN = true;

    final ResourceDefinition<T> def;
    final Store<T> store;
    final ResourceSamples.Sample sample;
    final String ns;

    Subject(ResourceDefinition<T> def, Store<T> store, ResourceSamples.Sample sample) {
        this.def = def;
        this.store = store;
        this.sample = sample;
        this.ns = def.namespaced() ? uniqueName("rt-ns") : null;
    }

    static String uniqueName(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The sample as a new object named {@code name}, with {@code metadata} merged into its metadata. */
    T sample(String name, String metadata) {
        ObjectNode tree = JsonTrees.parse(sample.object().replace("%NS%", ns == null ? "" : ns));
        ObjectNode meta = (ObjectNode) JsonTrees.merge(tree.get("metadata"), JsonTrees.parse(metadata));
        if (name != null) {
            meta.put("name", name);
        }
        tree.set("metadata", meta);
        tree.put("apiVersion", def.apiVersion());
        tree.put("kind", def.kind());
        return Json.convert(tree, def.type());
    }

    T create(String name) {
        return create(sample(name, "{}"), PLAIN);
    }

    T create(T obj, boolean dryRun) {
        return Writes.PIPELINE.create(scope(null), obj, OperationOptions.create(dryRun, null, null));
    }

    /** A client's create (a POST), which kube's storage checks for a resourceVersion. */
    T createRequested(T obj, boolean dryRun) {
        return Writes.PIPELINE.createRequested(scope(null), obj, OperationOptions.create(dryRun, null, null)).object();
    }

    private WriteScope<T> scope(String subresource) {
        return new WriteScope<>(store, ns, subresource, Writes.ADMIN);
    }

    T createNew() {
        return create(uniqueName("rt"));
    }

    T get(String name) {
        return store.get(ns, name);
    }

    /** Updates the main resource with {@code change} applied to the current object as a JSON merge patch. */
    T update(String name, String change, boolean statusOnly, boolean dryRun) {
        return Writes.PIPELINE.update(scope(statusOnly ? "status" : null), name,
                cur -> patched(cur, JsonTrees.parse(change)), OperationOptions.update(dryRun, null, null));
    }

    T patched(T obj, JsonNode patch) {
        return Json.convert(JsonTrees.merge(Json.tree(obj), patch), def.type());
    }

    /** A delete as kubectl sends it (Background: jobs and replicationcontrollers would orphan by default). */
    Store.DeleteResult<T> delete(String name, boolean dryRun) {
        return Writes.PIPELINE.delete(scope(null), name,
                OperationOptions.delete(OperationOptions.delete("Background"), dryRun));
    }

    static ObjectNode tree(HasMetadata obj) {
        return (ObjectNode) Json.tree(obj);
    }

    static String label(HasMetadata obj, String key) {
        Map<String, String> labels = obj.getMetadata().getLabels();
        return labels == null ? null : labels.get(key);
    }

    static List<String> names(List<? extends HasMetadata> items) {
        return items.stream().map(o -> o.getMetadata().getName()).toList();
    }

    /** The label patch {@code {"metadata":{"labels":{"rt":value}}}}. */
    static String labelPatch(String value) {
        return "{\"metadata\":{\"labels\":{\"rt\":\"" + value + "\"}}}";
    }
}
