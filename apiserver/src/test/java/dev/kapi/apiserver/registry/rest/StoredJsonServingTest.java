package dev.kapi.apiserver.registry.rest;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.BuiltInResources;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.RegistryContext;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.ResourceRegistry;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.StoredJson;
import dev.kapi.apiserver.registry.StoredObject;
import dev.kapi.apiserver.registry.apiextensions.CustomResources;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.sqlite.SqliteStorage;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * For every served resource (each version, a custom resource too): an object written through the store, with
 * odd metadata (unicode, escapes, finalizers) and its status set, reads as stored JSON ({@link StoredJson})
 * byte for byte equal to the decoded object's JSON, by GET and by LIST; a version served through a
 * conversion never serves the stored JSON.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoredJsonServingTest {

    private static final String METADATA = "{\"labels\":{\"app\":\"x\",\"a\":\"1\"},\"annotations\":{\"note\":"
            + "\"tab\\t quote \\\" backslash \\\\ é 日本 😀 \\u0001 </script>\"},\"finalizers\":[\"example.com/keep\"]}";

    @TempDir
    static Path dir;
    private Storage storage;
    private List<ResourceDefinition<?>> definitions;
    private StoreRegistry stores;

    @BeforeAll
    void open() {
        storage = SqliteStorage.open(dir.resolve("state.db"));
        List<ResourceDefinition<?>> all = new ArrayList<>(BuiltInResources.all(
                new RegistryContext(storage, "/registry", "10.96.0.0/12", "30000-32767")));
        all.removeIf(d -> d.resource().equals("customresourcedefinitions") || d.resource().equals("apiservices"));
        all.addAll(CustomResources.definitionsOf(ResourceSamples.establishedCrd()));
        definitions = all.stream().filter(d -> d.serves("get") && d.serves("create")).toList();
        stores = new StoreRegistry(new ResourceRegistry(definitions), storage, "/registry");
    }

    @AfterAll
    void close() {
        storage.close();
    }

    Stream<String> resources() {
        return definitions.stream().map(d -> ResourceSamples.key(d) + "@" + d.version());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resources")
    void readsServeTheStoredJsonExactlyAsTheDecodedObject(String served) {
        ResourceDefinition<?> def = definitions.stream()
                .filter(d -> (ResourceSamples.key(d) + "@" + d.version()).equals(served)).findFirst().orElseThrow();
        check(subject(def));
    }

    private <T extends HasMetadata> Subject<T> subject(ResourceDefinition<T> def) {
        return new Subject<>(def, stores.store(def), ResourceSamples.of(def).orElseThrow());
    }

    private <T extends HasMetadata> void check(Subject<T> s) {
        String name = Subject.uniqueName("sj");
        s.create(s.sample(name, METADATA), Subject.PLAIN);
        if (s.sample.status() != null) {
            s.update(name, "{\"status\":" + s.sample.status() + "}", true, Subject.PLAIN);
        }
        String decoded = new String(Json.bytes(s.store.get(s.ns, name)), StandardCharsets.UTF_8);
        boolean asStored = s.def.storageForm().servesStoredJson();

        StoredObject<T> read = s.store.read(s.ns, name, "");
        assertServed(read.json(), asStored, decoded);
        assertThat(new String(Json.bytes(read.object()), StandardCharsets.UTF_8)).isEqualTo(decoded);

        List<StoredObject<T>> listed = s.store.listStored(s.ns, ListParams.all()).items().stream()
                .filter(o -> o.object().getMetadata().getName().equals(name)).toList();
        assertThat(listed).hasSize(1);
        assertServed(listed.get(0).json(), asStored, decoded);
    }

    private static void assertServed(StoredJson json, boolean asStored, String decoded) {
        if (!asStored) {
            assertThat(json).isNull();
            return;
        }
        assertThat(json).as("served without decoding").isNotNull();
        assertThat(new String(json.bytes(), StandardCharsets.UTF_8)).isEqualTo(decoded);
    }
}
