package dev.kapi.apiserver.registry.informer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.registry.BuiltInResources;
import dev.kapi.apiserver.registry.RegistryContext;
import dev.kapi.apiserver.registry.ResourceRegistry;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.storage.HeldLists;
import dev.kapi.apiserver.storage.cacher.Cacher;
import dev.kapi.apiserver.storage.cacher.CacherOptions;
import dev.kapi.apiserver.storage.sqlite.SqliteOptions;
import dev.kapi.apiserver.storage.sqlite.SqliteStorage;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * How an informer lists: it waits for the resource's watch cache to be primed and is then answered from memory,
 * not by a second read of every entry from storage (a cache that does not prime in time is not waited for
 * longer); with a transform, the objects are decoded without their managedFields.
 */
class InformerListTest {

    private static final String ROOT = "/registry";
    private static final String CONFIGMAPS = ROOT + "/configmaps/";

    @TempDir
    Path dir;

    private SqliteStorage sqlite;
    private HeldLists priming;
    private Cacher cacher;
    private Store<ConfigMap> configMaps;
    private Informer<ConfigMap> informer;

    @BeforeEach
    void open() {
        sqlite = SqliteStorage.open(dir.resolve("cache-wait.db"), SqliteOptions.DEFAULTS);
        sqlite.create(CONFIGMAPS + "ns/a", ("{\"metadata\":{\"name\":\"a\",\"namespace\":\"ns\",\"managedFields\":"
                + "[{\"manager\":\"m\",\"operation\":\"Update\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:data\":{}}}]},"
                + "\"data\":{\"k\":\"v\"},\"unknownField\":1}").getBytes(UTF_8));
        sqlite.create(CONFIGMAPS + "ns/b", "{\"metadata\":{\"name\":\"b\",\"namespace\":\"ns\"}}".getBytes(UTF_8));
        priming = new HeldLists(sqlite, 1); // the cache's priming list waits for the test
        cacher = new Cacher(priming, CONFIGMAPS, CacherOptions.DEFAULTS);
        StoreRegistry stores = new StoreRegistry(new ResourceRegistry(BuiltInResources.all(
                new RegistryContext(sqlite, ROOT, "10.96.0.0/12", "30000-32767"))), sqlite, ROOT,
                (definition, backend) -> definition.resource().equals("configmaps") ? cacher : backend);
        configMaps = stores.find("", "v1", "configmaps", ConfigMap.class).orElseThrow();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> priming.lists() == 1);
    }

    @AfterEach
    void close() {
        priming.release();
        if (informer != null) {
            informer.close();
        }
        cacher.close();
        sqlite.close();
    }

    @Test
    void theFirstListWaitsForThePrimingAndIsAnsweredFromMemory() throws Exception {
        // written after the priming list read storage, before the informer starts: the list must see it
        sqlite.create(CONFIGMAPS + "ns/c", "{\"metadata\":{\"name\":\"c\",\"namespace\":\"ns\"}}".getBytes(UTF_8));
        informer = new Informer<>(configMaps, "test", InformerOptions.DEFAULTS);
        informer.start();
        assertThat(informer.awaitSynced(Duration.ofMillis(500))).isFalse();
        assertThat(priming.lists()).isEqualTo(1); // only the cache's priming list reached storage

        priming.release();
        assertThat(informer.awaitSynced(Duration.ofSeconds(10))).isTrue();
        assertThat(informer.cache().list()).extracting(c -> c.getMetadata().getName())
                .containsExactlyInAnyOrder("a", "b", "c");
        assertThat(priming.lists()).isEqualTo(1);
        // not older than the revision read before waiting, served once the cache reached it: no consistent read,
        // and no second read of storage's revision
        assertThat(cacher.stats().consistentReadsFromCache() + cacher.stats().consistentReadsFallback()).isZero();
        assertThat(priming.revisions()).isEqualTo(1);
    }

    /** Either kind: keeping managedFields (a list of its own), or without them (a shared list). */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void withTheCacheAlreadyPrimedTheListIsConsistent(boolean managedFields) throws Exception {
        priming.release();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> cacher.stats().ready());
        sqlite.create(CONFIGMAPS + "ns/c", "{\"metadata\":{\"name\":\"c\",\"namespace\":\"ns\"}}".getBytes(UTF_8));
        informer = managedFields ? new Informer<>(configMaps, "test", InformerOptions.DEFAULTS)
                : new Informer<>(configMaps, "test", InformerOptions.DEFAULTS, cm -> cm);
        informer.start();
        assertThat(informer.awaitSynced(Duration.ofSeconds(10))).isTrue();
        assertThat(informer.cache().list()).hasSize(3); // the write made just before, in storage only
        assertThat(priming.lists()).isEqualTo(1); // answered from memory
        if (managedFields) {
            assertThat(cacher.stats().consistentReadsFromCache()).isEqualTo(1);
        }
    }

    @Test
    void aCacheThatDoesNotPrimeInTimeIsNotWaitedForLonger() throws Exception {
        informer = new Informer<>(configMaps, "test", InformerOptions.DEFAULTS.withCacheWait(Duration.ofMillis(200)));
        informer.start();
        assertThat(informer.awaitSynced(Duration.ofSeconds(10))).isTrue(); // listed from storage meanwhile
        assertThat(informer.cache().list()).hasSize(2);
        assertThat(priming.lists()).isEqualTo(2);
    }

    @Test
    void noWaitAtAllWhenTheOptionsSayZero() throws Exception {
        informer = new Informer<>(configMaps, "test", InformerOptions.DEFAULTS.withCacheWait(Duration.ZERO));
        informer.start();
        assertThat(informer.awaitSynced(Duration.ofSeconds(2))).isTrue();
        assertThat(priming.lists()).isEqualTo(2);
    }

    @Test
    void withATransformTheListDecodesNoManagedFieldsWithoutOneItKeepsThem() throws Exception {
        priming.release();
        List<ConfigMap> given = new CopyOnWriteArrayList<>();
        informer = new Informer<>(configMaps, "test", InformerOptions.DEFAULTS, c -> {
            given.add(c);
            return new ConfigMapBuilder(c).build();
        });
        informer.start();
        assertThat(informer.awaitSynced(Duration.ofSeconds(10))).isTrue();
        ConfigMap a = given.stream().filter(c -> c.getMetadata().getName().equals("a")).findFirst().orElseThrow();
        assertThat(a.getMetadata().getManagedFields()).isEmpty();
        assertThat(a.getData()).containsEntry("k", "v");
        assertThat(a.getAdditionalProperties()).containsEntry("unknownField", 1); // the rest decoded as ever

        try (Informer<ConfigMap> whole = new Informer<>(configMaps, "whole", InformerOptions.DEFAULTS)) {
            whole.start();
            assertThat(whole.awaitSynced(Duration.ofSeconds(10))).isTrue();
            assertThat(whole.cache().get("ns", "a").getMetadata().getManagedFields())
                    .extracting(ManagedFieldsEntry::getManager).containsExactly("m");
        }
    }
}
