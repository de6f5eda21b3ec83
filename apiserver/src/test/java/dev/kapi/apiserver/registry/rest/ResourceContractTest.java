package dev.kapi.apiserver.registry.rest;

import dev.kapi.apiserver.api.Json;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.ApiWatchEvent;
import dev.kapi.apiserver.registry.BuiltInResources;
import dev.kapi.apiserver.registry.ListPage;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.RegistryContext;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.ResourceRegistry;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.StoreWatch;
import dev.kapi.apiserver.registry.WatchParams;
import dev.kapi.apiserver.registry.apiextensions.CustomResources;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.testing.EtcdExtension;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.kapi.apiserver.registry.rest.Subject.DRY_RUN;
import static dev.kapi.apiserver.registry.rest.Subject.PLAIN;
import static dev.kapi.apiserver.registry.rest.Subject.label;
import static dev.kapi.apiserver.registry.rest.Subject.labelPatch;
import static dev.kapi.apiserver.registry.rest.Subject.names;
import static dev.kapi.apiserver.registry.rest.Subject.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract every built-in resource keeps through the generic {@link Store} on a real etcd, in the
 * spirit of kube-apiserver's {@code registry/rest/resttest}: create, get, list and paging, update with
 * resourceVersion preconditions, the status subresource, generation, dry run, finalizers, watch and delete.
 * Each resource's smallest valid object comes from {@link ResourceSamples}.
 */
@ExtendWith(EtcdExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResourceContractTest {

    private Storage storage;
    private List<ResourceDefinition<?>> definitions;
    private StoreRegistry stores;

    @BeforeAll
    void connect() {
        storage = EtcdStorage.connect(EtcdExtension.endpoints());
        String prefix = EtcdExtension.randomPrefix();
        List<ResourceDefinition<?>> all = new ArrayList<>(BuiltInResources.all(
                new RegistryContext(storage, prefix, "10.96.0.0/12", "30000-32767")));
        // a CRD's own name must be <plural>.<group> and its delete waits for the cleanup of its objects (the
        // e2e tests cover that); the custom resource one serves goes through the same contract as the built-ins
        all.removeIf(d -> d.resource().equals("customresourcedefinitions"));
        // an APIService's name must be <version>.<group> (ApiServiceRegistrationControllerTest covers it)
        all.removeIf(d -> d.resource().equals("apiservices"));
        all.addAll(CustomResources.definitionsOf(ResourceSamples.establishedCrd()));
        // stored resources: reviews and componentstatuses store nothing
        definitions = all.stream().filter(d -> d.serves("get") && d.serves("create")).toList();
        stores = new StoreRegistry(new ResourceRegistry(definitions), storage, prefix);
    }

    @AfterAll
    void close() {
        storage.close();
    }

    /** Every served version: {@code group/resource} (its sample's key), then {@code @version}. */
    Stream<String> resources() {
        return definitions.stream().map(ResourceContractTest::served);
    }

    /** All but namespaces, whose delete first marks them Terminating (NamespaceTerminationTest). */
    Stream<String> resourcesDeletedAtOnce() {
        return definitions.stream().filter(d -> !d.resource().equals("namespaces")).map(ResourceContractTest::served);
    }

    Stream<String> statusResources() {
        return definitions.stream().filter(d -> d.hasSubresource("status")).map(ResourceContractTest::served);
    }

    private static String served(ResourceDefinition<?> def) {
        return ResourceSamples.key(def) + "@" + def.version();
    }

    private Subject<?> subject(String served) {
        ResourceDefinition<?> def = definitions.stream().filter(d -> served(d).equals(served))
                .findFirst().orElseThrow();
        return subject(def);
    }

    private <T extends HasMetadata> Subject<T> subject(ResourceDefinition<T> def) {
        return new Subject<>(def, stores.store(def), ResourceSamples.of(def).orElseThrow(
                () -> new AssertionError("no sample for " + ResourceSamples.key(def))));
    }

    @Test
    void everyServedResourceHasASampleAndEverySampleIsServed() {
        assertThat(ResourceSamples.all().keySet()) // one sample for all versions of a resource (kept in one storage)
                .containsExactlyInAnyOrderElementsOf(definitions.stream().map(ResourceSamples::key).distinct().toList());
        for (ResourceDefinition<?> def : definitions) {
            assertThat(ResourceSamples.of(def).orElseThrow().status() != null)
                    .as("%s: a sample status exactly when the resource has a status subresource", def.resource())
                    .isEqualTo(def.hasSubresource("status"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resources")
    void createFillsSystemFieldsAndRejectsADuplicate(String key) {
        Subject<?> s = subject(key);
        String name = Subject.uniqueName("rt");
        HasMetadata created = s.create(name);
        assertThat(created.getMetadata().getName()).isEqualTo(name);
        assertThat(created.getMetadata().getUid()).isNotBlank();
        assertThat(created.getMetadata().getCreationTimestamp()).isNotBlank();
        assertThat(created.getMetadata().getResourceVersion()).matches("[1-9][0-9]*");
        assertThat(created.getMetadata().getNamespace()).isEqualTo(s.ns);
        assertThat(created.getApiVersion()).isEqualTo(s.def.apiVersion());
        assertThat(created.getKind()).isEqualTo(s.def.kind());

        HasMetadata generated = createGenerated(s);
        assertThat(generated.getMetadata().getName()).startsWith("rt-gen-").hasSize("rt-gen-".length() + 5);
        assertThat(s.get(generated.getMetadata().getName()).getMetadata().getUid())
                .isEqualTo(generated.getMetadata().getUid());

        assertStatus(() -> s.create(name), 409, "AlreadyExists",
                s.def.groupResource() + " \"" + name + "\" already exists");

        refusesACreateNamingAResourceVersion(s);
    }

    /**
     * kube's storage: a client's create naming a resourceVersion is refused (500, no reason); one it cannot parse
     * is cleared; a dry run does not check; the server's own writers' creates clear it.
     */
    private static <T extends HasMetadata> void refusesACreateNamingAResourceVersion(Subject<T> s) {
        String withVersion = Subject.uniqueName("rt-rv");
        assertThatThrownBy(() -> s.createRequested(s.sample(withVersion, "{\"resourceVersion\":\"5\"}"), PLAIN))
                .isInstanceOfSatisfying(StatusError.class, e -> {
                    assertThat(e.code()).isEqualTo(500);
                    assertThat(e.status().getReason()).isNull();
                    assertThat(e.status().getMessage())
                            .isEqualTo("resourceVersion should not be set on objects to be created");
                });
        assertStatus(() -> s.get(withVersion), 404, "NotFound", s.def.groupResource() + " \"" + withVersion
                + "\" not found");
        assertThat(s.createRequested(s.sample(withVersion, "{\"resourceVersion\":\"5\"}"), DRY_RUN)
                .getMetadata().getName()).isEqualTo(withVersion);
        assertThat(rv(s.createRequested(s.sample(withVersion, "{\"resourceVersion\":\"-1\"}"), PLAIN))).isPositive();
        // the server's own writers' creates clear it
        assertThat(rv(s.create(s.sample(Subject.uniqueName("rt-rv"), "{\"resourceVersion\":\"5\"}"), PLAIN)))
                .isPositive();
    }

    private static <T extends HasMetadata> T createGenerated(Subject<T> s) {
        return s.create(s.sample(null, "{\"generateName\":\"rt-gen-\"}"), PLAIN);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resources")
    void getReturnsTheStoredObjectAndNotFoundForAMissingName(String key) {
        Subject<?> s = subject(key);
        HasMetadata created = s.createNew();
        assertThat(tree(s.get(created.getMetadata().getName()))).isEqualTo(tree(created));
        assertStatus(() -> s.get("rt-missing"), 404, "NotFound",
                s.def.groupResource() + " \"rt-missing\" not found");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resources")
    void listFindsTheObjectsAndPagesThroughEveryOneOnce(String key) {
        Subject<?> s = subject(key);
        List<String> created = List.of(name(s.createNew()), name(s.createNew()), name(s.createNew()));
        List<String> all = names(s.store.list(s.ns, ListParams.all()).items());
        if (s.def.namespaced()) {
            assertThat(all).containsExactlyInAnyOrderElementsOf(created);
            assertThat(names(s.store.list(null, ListParams.all()).items())).containsAll(created);
        } else {
            assertThat(all).containsAll(created);
        }
        List<String> paged = new ArrayList<>();
        String token = null;
        do {
            ListPage<? extends HasMetadata> page = s.store.list(s.ns, new ListParams<>(null, "", "", 1, token));
            assertThat(page.items()).hasSize(1);
            paged.addAll(names(page.items()));
            token = page.continueToken();
            if (token != null) {
                assertThat(page.remainingItemCount()).isEqualTo(all.size() - paged.size());
            }
        } while (token != null && paged.size() <= all.size());
        assertThat(paged).containsExactlyElementsOf(all);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resources")
    void updateNeedsTheCurrentResourceVersion(String key) {
        Subject<?> s = subject(key);
        HasMetadata created = s.createNew();
        String name = name(created);
        HasMetadata updated = s.update(name, labelPatch("one"), false, PLAIN);
        assertThat(label(updated, "rt")).isEqualTo("one");
        assertThat(rv(updated)).isGreaterThan(rv(created));
        assertThat(tree(s.get(name))).isEqualTo(tree(updated));

        if (s.sample.change() != null) {
            HasMetadata changed = s.update(name, s.sample.change(), false, PLAIN);
            assertThat(rv(changed)).isGreaterThan(rv(updated));
            assertThat(JsonTrees.contains(tree(s.get(name)), JsonTrees.parse(s.sample.change())))
                    .as("the change is stored: %s", tree(changed)).isTrue();
        }

        String stale = created.getMetadata().getResourceVersion();
        assertStatus(() -> s.update(name, "{\"metadata\":{\"resourceVersion\":\"" + stale + "\",\"labels\":{\"rt\":\"two\"}}}",
                        false, PLAIN), 409, "Conflict",
                "Operation cannot be fulfilled on " + s.def.groupResource() + " \"" + name
                        + "\": the object has been modified; please apply your changes to the latest version and try again");
        assertThat(label(s.get(name), "rt")).isEqualTo("one");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resources")
    void updateWithoutUidOrCreationTimestampKeepsTheStoredOnesButADifferentUidIsInvalid(String key) {
        Subject<?> s = subject(key);
        HasMetadata created = s.createNew();
        String name = name(created);
        HasMetadata replaced = s.update(name, "{\"metadata\":{\"uid\":null,\"creationTimestamp\":null,"
                + "\"labels\":{\"rt\":\"replaced\"}}}", false, PLAIN);
        assertThat(replaced.getMetadata().getUid()).isEqualTo(created.getMetadata().getUid());
        assertThat(replaced.getMetadata().getCreationTimestamp()).isEqualTo(created.getMetadata().getCreationTimestamp());
        assertThat(label(s.get(name), "rt")).isEqualTo("replaced");

        assertThatThrownBy(() -> s.update(name, "{\"metadata\":{\"uid\":\"another-uid\"}}", false, PLAIN))
                .isInstanceOfSatisfying(StatusError.class, e -> {
                    assertThat(e.code()).isEqualTo(422);
                    assertThat(e.status().getMessage()).contains("metadata.uid: Invalid value: \"another-uid\": field is immutable");
                });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("statusResources")
    void statusChangesOnlyThroughTheStatusSubresource(String key) {
        Subject<?> s = subject(key);
        String name = name(s.createNew());
        HasMetadata before = s.get(name);
        String statusPatch = "{\"status\":" + s.sample.status() + "}";

        HasMetadata mainUpdate = s.update(name, statusPatch, false, PLAIN);
        assertThat(tree(mainUpdate).get("status")).isEqualTo(tree(before).get("status"));
        assertThat(tree(s.get(name)).get("status")).isEqualTo(tree(before).get("status"));

        HasMetadata current = s.get(name);
        String statusAndLabel = "{\"metadata\":{\"labels\":{\"rt\":\"status\"}},\"status\":" + s.sample.status() + "}";
        HasMetadata statusUpdate = s.update(name, statusAndLabel, true, PLAIN);
        String stale = before.getMetadata().getResourceVersion();
        assertStatus(() -> s.update(name, "{\"metadata\":{\"resourceVersion\":\"" + stale + "\"},\"status\":"
                        + s.sample.status() + "}", true, PLAIN), 409, "Conflict",
                "Operation cannot be fulfilled on " + s.def.groupResource() + " \"" + name + "\": " + StatusError.MODIFIED);
        HasMetadata stored = s.get(name);
        assertThat(JsonTrees.contains(tree(stored).get("status"), JsonTrees.parse(s.sample.status())))
                .as("status %s contains %s", tree(stored).get("status"), s.sample.status()).isTrue();
        assertThat(tree(statusUpdate)).isEqualTo(tree(stored));
        assertThat(label(stored, "rt")).isNull();
        assertThat(stored.getMetadata().getGeneration()).isEqualTo(current.getMetadata().getGeneration());
        assertThat(withoutStatusAndVersion(stored)).isEqualTo(withoutStatusAndVersion(current));
        // the status writer owns status fields only, through the subresource (the label it sent was not written)
        var statusWriter = stored.getMetadata().getManagedFields().stream()
                .filter(e -> "status".equals(e.getSubresource())).toList();
        assertThat(statusWriter).hasSize(1);
        assertThat(Json.string(statusWriter.getFirst().getFieldsV1())).startsWith("{\"f:status\":")
                .doesNotContain("f:metadata");
    }

    /** The object without status, resourceVersion and managedFields (which a status write adds to). */
    private static Object withoutStatusAndVersion(HasMetadata obj) {
        var t = tree(obj);
        t.remove("status");
        ((tools.jackson.databind.node.ObjectNode) t.get("metadata")).remove("resourceVersion");
        ((tools.jackson.databind.node.ObjectNode) t.get("metadata")).remove("managedFields");
        return t;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resources")
    void generationCountsSpecChangesOnly(String key) {
        Subject<?> s = subject(key);
        HasMetadata created = s.createNew();
        String name = name(created);
        Long generation = created.getMetadata().getGeneration();
        assertThat(generation).as("generation on create (%s)", s.sample.generation())
                .isEqualTo(s.sample.generation().kapi() ? 1L : null);
        HasMetadata labelled = s.update(name, labelPatch("gen"), false, PLAIN);
        assertThat(labelled.getMetadata().getGeneration()).as("after a label change").isEqualTo(generation);
        HasMetadata changed = labelled;
        if (s.sample.change() != null) {
            changed = s.update(name, s.sample.change(), false, PLAIN);
            assertThat(changed.getMetadata().getGeneration()).as("after a spec change")
                    .isEqualTo(generation == null ? null : generation + 1);
        }
        if (s.sample.status() != null) {
            HasMetadata status = s.update(name, "{\"status\":" + s.sample.status() + "}", true, PLAIN);
            assertThat(status.getMetadata().getGeneration()).as("after a status change")
                    .isEqualTo(changed.getMetadata().getGeneration());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resources")
    void dryRunLeavesStorageUnchanged(String key) {
        Subject<?> s = subject(key);
        String name = Subject.uniqueName("rt");
        HasMetadata dryCreated = dryCreate(s, name);
        assertThat(name(dryCreated)).isEqualTo(name);
        assertThat(dryCreated.getMetadata().getUid()).isNotBlank();
        assertStatus(() -> s.get(name), 404, "NotFound", s.def.groupResource() + " \"" + name + "\" not found");

        HasMetadata created = s.create(name);
        HasMetadata dryUpdated = s.update(name, labelPatch("dry"), false, DRY_RUN);
        assertThat(label(dryUpdated, "rt")).isEqualTo("dry");
        assertThat(tree(s.get(name))).isEqualTo(tree(created));

        HasMetadata dryDeleted = s.delete(name, DRY_RUN).object();
        assertThat(name(dryDeleted)).isEqualTo(name);
        assertThat(tree(s.get(name))).isEqualTo(tree(created));
    }

    private static <T extends HasMetadata> T dryCreate(Subject<T> s, String name) {
        return s.create(s.sample(name, "{}"), DRY_RUN);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resourcesDeletedAtOnce")
    void aFinalizerHoldsTheObjectUntilItIsRemoved(String key) {
        Subject<?> s = subject(key);
        String name = Subject.uniqueName("rt");
        HasMetadata created = createWithFinalizer(s, name);
        Store.DeleteResult<?> result = s.delete(name, PLAIN);
        assertThat(result.deleted()).isFalse();
        HasMetadata marked = (HasMetadata) result.object();
        assertThat(marked.getMetadata().getDeletionTimestamp()).isNotNull();
        assertThat(marked.getMetadata().getDeletionGracePeriodSeconds()).isZero();
        Long generation = created.getMetadata().getGeneration();
        assertThat(marked.getMetadata().getGeneration()).as("generation is bumped when deletion starts")
                .isEqualTo(generation == null ? null : generation + 1);
        HasMetadata stored = s.get(name);
        assertThat(tree(stored)).isEqualTo(tree(marked));
        assertThat(s.delete(name, PLAIN).deleted()).as("a second delete while finalizing").isFalse();
        assertThat(s.get(name).getMetadata().getResourceVersion()).isEqualTo(marked.getMetadata().getResourceVersion());
        assertThat(stored.getMetadata().getFinalizers()).containsExactly("example.com/rt");

        s.update(name, "{\"metadata\":{\"finalizers\":null}}", false, PLAIN);
        assertStatus(() -> s.get(name), 404, "NotFound", s.def.groupResource() + " \"" + name + "\" not found");
    }

    private static <T extends HasMetadata> T createWithFinalizer(Subject<T> s, String name) {
        return s.create(s.sample(name, "{\"finalizers\":[\"example.com/rt\"]}"), PLAIN);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resourcesDeletedAtOnce")
    void watchFromTheCreateSeesTheUpdateAndTheDelete(String key) throws InterruptedException {
        Subject<?> s = subject(key);
        HasMetadata created = s.createNew();
        String name = name(created);
        try (StoreWatch<?> watch = s.store.watcher().open(s.ns,
                new WatchParams<>(null, created.getMetadata().getResourceVersion(), "", false, null))) {
            s.update(name, labelPatch("watched"), false, PLAIN);
            s.delete(name, PLAIN);
            List<ApiWatchEvent> seen = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 5000;
            while (seen.size() < 2 && System.currentTimeMillis() < deadline) {
                watch.poll(200).stream().filter(e -> name.equals(name((HasMetadata) e.object()))).forEach(seen::add);
            }
            assertThat(seen).extracting(ApiWatchEvent::type).containsExactly("MODIFIED", "DELETED");
            assertThat(label((HasMetadata) seen.get(0).object(), "rt")).isEqualTo("watched");
            HasMetadata deleted = (HasMetadata) seen.get(1).object();
            assertThat(deleted.getMetadata().getUid()).isEqualTo(created.getMetadata().getUid());
            assertThat(rv(deleted)).as("a DELETED event carries the revision of the delete")
                    .isGreaterThan(rv((HasMetadata) seen.get(0).object()));
        }
    }

    /**
     * An object that leaves a watch's selector is DELETED as it last matched (at the change's resourceVersion),
     * as kube's watch cache sends it: never the changed object, which the watcher's selector does not cover.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("resourcesDeletedAtOnce")
    void anObjectLeavingAWatchsSelectorIsDeletedAsItLastMatched(String key) throws InterruptedException {
        leavesTheSelector(subject(key));
    }

    private static <T extends HasMetadata> void leavesTheSelector(Subject<T> s) throws InterruptedException {
        T created = s.createNew();
        String name = name(created);
        s.update(name, labelPatch("inside"), false, PLAIN);
        T inside = s.get(name);
        try (StoreWatch<T> watch = s.store.watcher().open(s.ns, new WatchParams<T>(
                o -> "inside".equals(label(o, "rt")), inside.getMetadata().getResourceVersion(), "", false, null))) {
            s.update(name, labelPatch("outside"), false, PLAIN);
            T outside = s.get(name);
            List<ApiWatchEvent> seen = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 5000;
            while (seen.isEmpty() && System.currentTimeMillis() < deadline) {
                watch.poll(200).stream().filter(e -> name.equals(name((HasMetadata) e.object()))).forEach(seen::add);
            }
            assertThat(seen).extracting(ApiWatchEvent::type).containsExactly("DELETED");
            HasMetadata last = (HasMetadata) seen.get(0).object();
            assertThat(label(last, "rt")).as("the object as it last matched").isEqualTo("inside");
            assertThat(last.getMetadata().getResourceVersion()).isEqualTo(outside.getMetadata().getResourceVersion());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resourcesDeletedAtOnce")
    void deleteReturnsTheObjectAndRemovesIt(String key) {
        Subject<?> s = subject(key);
        HasMetadata created = s.createNew();
        String name = name(created);
        Store.DeleteResult<?> result = s.delete(name, PLAIN);
        assertThat(result.deleted()).isTrue();
        assertThat(((HasMetadata) result.object()).getMetadata().getUid()).isEqualTo(created.getMetadata().getUid());
        String notFound = s.def.groupResource() + " \"" + name + "\" not found";
        assertStatus(() -> s.get(name), 404, "NotFound", notFound);
        assertStatus(() -> s.delete(name, PLAIN), 404, "NotFound", notFound);
        assertThat(names(s.store.list(s.ns, ListParams.all()).items())).doesNotContain(name);
    }

    private static void assertStatus(ThrowingCallable call, int code, String reason, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusError.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e.status().getMessage()).isEqualTo(message);
        });
    }

    private static String name(HasMetadata obj) {
        return obj.getMetadata().getName();
    }

    private static long rv(HasMetadata obj) {
        return Long.parseLong(obj.getMetadata().getResourceVersion());
    }
}
