package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.filters.RequestInfoResolver;
import dev.kapi.apiserver.registry.ListParams;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.ResourceRegistry;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.groups.autoscaling.AutoscalingResources;
import dev.kapi.apiserver.storage.KeyValue;
import dev.kapi.apiserver.storage.ListOptions;
import dev.kapi.apiserver.storage.Preconditions;
import dev.kapi.apiserver.storage.sqlite.SqliteStorage;
import dev.kapi.apiserver.testing.Writes;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GET and LIST answers written from the stored JSON are byte for byte (and header for header) the answers
 * written from the decoded objects, for a resource served as stored and for a version served through a
 * conversion (autoscaling/v1), in every format and with limits, continue tokens and selectors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoredWriterTest {

    @TempDir
    static Path dir;
    private SqliteStorage storage;
    private final List<ResourceDefinition<?>> definitions = new ArrayList<>();
    private StoreRegistry stores;

    @BeforeAll
    void open() {
        storage = SqliteStorage.open(dir.resolve("state.db"));
        definitions.add(ResourceDefinition.builder("", "v1", "configmaps", "ConfigMap", ConfigMap.class).build());
        definitions.addAll(AutoscalingResources.all());
        stores = new StoreRegistry(new ResourceRegistry(definitions), storage, "/registry");
        Store<ConfigMap> cms = stores.store(definition("configmaps", "v1"));
        for (String data : List.of("plain", "quote \" é 日本 😀 \t \u0001", "")) {
            Writes.create(cms, "ns", Json.read(("{\"metadata\":{\"generateName\":\"cm-\",\"labels\":{\"k\":\""
                    + (data.isEmpty() ? "b" : "a") + "\"}},\"data\":{\"d\":" + Json.string(data) + "}}")
                    .getBytes(StandardCharsets.UTF_8), ConfigMap.class));
        }
        Store<HorizontalPodAutoscaler> hpas = stores.store(definition("horizontalpodautoscalers", "v2"));
        for (int i = 0; i < 2; i++) {
            Writes.create(hpas, "ns", Json.read(("{\"metadata\":{\"name\":\"h" + i + "\"},\"spec\":{\"maxReplicas\":3,"
                    + "\"scaleTargetRef\":{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"d\"}}}")
                    .getBytes(StandardCharsets.UTF_8), HorizontalPodAutoscaler.class));
        }
        // a Table's Age column is computed as it is written: created long ago, two writes a second apart agree
        for (KeyValue kv : storage.list("/registry/", ListOptions.ALL).items()) {
            storage.guaranteedUpdate(kv.key(), Preconditions.NONE, false, current -> new String(current.value(),
                    StandardCharsets.UTF_8).replaceFirst("\"creationTimestamp\":\"[^\"]+\"",
                    "\"creationTimestamp\":\"2000-01-01T00:00:00Z\"").getBytes(StandardCharsets.UTF_8));
        }
    }

    @AfterAll
    void close() {
        storage.close();
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @CsvSource(delimiter = '|', value = {
            "configmaps|v1|application/json|",
            "configmaps|v1||limit=2",
            "configmaps|v1|application/json, application/yaml|labelSelector=k%3Da",
            "configmaps|v1|application/yaml|",
            "configmaps|v1|application/json;as=Table;v=v1;g=meta.k8s.io|",
            "configmaps|v1|application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io|",
            "horizontalpodautoscalers|v2|application/json|",
            "horizontalpodautoscalers|v1|application/json|limit=1",
            "horizontalpodautoscalers|v1|application/json|"})
    void listsAndGetsAnswerAsFromTheDecodedObjects(String resource, String version, String accept, String query)
            throws Exception {
        ResourceDefinition<HasMetadata> def = definition(resource, version);
        Store<HasMetadata> store = stores.store(def);

        MockHttpServletResponse fast = send(def, store, null, accept, query, s -> new ListHandler().handle(s));
        MockHttpServletResponse decoded = send(def, store, null, accept, query,
                s -> ObjectWriter.writeList(s, store.list("ns", ListHandler.params(s))));
        assertSame(fast, decoded);
        assertThat(fast.getContentAsString()).contains(store.list("ns", ListParams.all()).resourceVersion());

        for (HasMetadata item : store.list("ns", ListParams.all()).items()) {
            String name = item.getMetadata().getName();
            MockHttpServletResponse get = send(def, store, name, accept, null, s -> new GetHandler().handle(s));
            MockHttpServletResponse getDecoded = send(def, store, name, accept, null,
                    s -> ObjectWriter.writeObject(s, 200, store.get("ns", name)));
            assertSame(get, getDecoded);
        }
    }

    /**
     * A create answers what it stored, as kube's does: the stored JSON (a JSON answer of a resource served as
     * stored) is byte for byte what writing the created object answers and what a GET of it answers next; a
     * converted version, another format and a dry run (nothing stored) answer the created object as before.
     */
    @ParameterizedTest(name = "{0} {1} {2} dryRun={3}")
    @CsvSource(delimiter = '|', value = {
            "configmaps|v1|application/json|false", "configmaps|v1||false", "configmaps|v1|application/yaml|false",
            "configmaps|v1|application/json;as=Table;v=v1;g=meta.k8s.io|false", "configmaps|v1|application/json|true",
            "horizontalpodautoscalers|v1|application/json|false", "horizontalpodautoscalers|v2|application/json|false"})
    void createsAnswerWhatTheyStored(String resource, String version, String accept, boolean dryRun)
            throws Exception {
        ResourceDefinition<HasMetadata> def = definition(resource, version);
        Store<HasMetadata> store = stores.store(def);
        String body = resource.equals("configmaps")
                ? "{\"metadata\":{\"name\":\"new-%s\",\"labels\":{\"k\":\"c\"}},\"data\":{\"d\":\"é 😀 \\u0001\"}}"
                : "{\"metadata\":{\"name\":\"new-%s\"},\"spec\":{\"maxReplicas\":3,\"scaleTargetRef\":"
                + "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"d\"}}}";
        String name = "new-" + version + "-" + Math.abs((accept + dryRun).hashCode());
        MockHttpServletResponse created = send(def, store, "POST", null, accept, dryRun ? "dryRun=All" : null,
                String.format(body, name.substring(4)), s -> new CreateHandler().handle(s));
        assertThat(created.getStatus()).isEqualTo(201);
        String answer = new String(created.getContentAsByteArray(), StandardCharsets.UTF_8);
        assertThat(answer).contains(name);
        if (dryRun) {
            assertThat(store.list("ns", ListParams.all()).items())
                    .noneMatch(o -> o.getMetadata().getName().equals(name));
            assertThat(Json.MAPPER.readTree(answer).get("metadata").has("resourceVersion")).isFalse();
            return;
        }
        HasMetadata stored = store.get("ns", name);
        MockHttpServletResponse fromObject = send(def, store, "POST", null, accept, null, null,
                s -> ObjectWriter.writeObject(s, 201, stored));
        assertThat(answer).isEqualTo(new String(fromObject.getContentAsByteArray(), StandardCharsets.UTF_8));
        assertThat(created.getContentType()).isEqualTo(fromObject.getContentType());
        if (accept == null || !accept.contains("Table")) {
            MockHttpServletResponse get = send(def, store, name, accept, null, s -> new GetHandler().handle(s));
            assertThat(answer).isEqualTo(new String(get.getContentAsByteArray(), StandardCharsets.UTF_8));
        }
    }

    /**
     * kube's lists of built-in kinds carry their type once, on the list: the items have neither kind nor apiVersion
     * (served as stored or converted, JSON or YAML), while a GET's object and a deletecollection's list keep the
     * rules a single object and a list follow.
     */
    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "configmaps|v1|application/json", "configmaps|v1|application/yaml",
            "horizontalpodautoscalers|v1|application/json", "horizontalpodautoscalers|v2|application/json"})
    void itemsOfBuiltInListsCarryNoType(String resource, String version, String accept) throws Exception {
        ResourceDefinition<HasMetadata> def = definition(resource, version);
        Store<HasMetadata> store = stores.store(def);
        MockHttpServletResponse res = send(def, store, null, accept, null, s -> new ListHandler().handle(s));
        String body = res.getContentAsString(StandardCharsets.UTF_8);
        tools.jackson.databind.JsonNode list = accept.endsWith("yaml")
                ? new tools.jackson.dataformat.yaml.YAMLMapper().readTree(body) : Json.MAPPER.readTree(body);

        assertThat(list.get("kind").asString()).isEqualTo(def.kind() + "List");
        assertThat(list.get("apiVersion").asString()).isEqualTo(def.apiVersion());
        assertThat(list.get("items")).isNotEmpty().allSatisfy(item -> {
            assertThat(item.has("kind")).isFalse();
            assertThat(item.has("apiVersion")).isFalse();
            assertThat(item.get("metadata").get("resourceVersion").asString()).isNotEmpty();
        });
        if (accept.endsWith("json")) {
            assertThat(body).contains("\"items\":[{\"metadata\":{");
        }
        String name = list.get("items").get(0).get("metadata").get("name").asString();
        MockHttpServletResponse get = send(def, store, name, accept, null, s -> new GetHandler().handle(s));
        assertThat(get.getContentAsString(StandardCharsets.UTF_8)).contains(def.kind());
    }

    @org.junit.jupiter.api.Test
    void itemsOfCustomResourceListsKeepTheirType() {
        ResourceDefinition<io.fabric8.kubernetes.api.model.GenericKubernetesResource> widgets = ResourceDefinition
                .builder("example.com", "v1", "widgets", "Widget",
                        io.fabric8.kubernetes.api.model.GenericKubernetesResource.class).build();
        io.fabric8.kubernetes.api.model.GenericKubernetesResource widget =
                new io.fabric8.kubernetes.api.model.GenericKubernetesResource();
        widget.setApiVersion("example.com/v1");
        widget.setKind("Widget");
        widget.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("w").build());
        ConfigMap cm = new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withName("c")
                .endMetadata().build();
        RequestScope custom = scope(widgets);
        RequestScope builtIn = scope(definition("configmaps", "v1"));

        assertThat(ObjectWriter.item(custom, widget).has("kind")).isTrue();
        assertThat(new String(ObjectWriter.itemBytes(custom, widget), StandardCharsets.UTF_8))
                .startsWith("{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",");
        assertThat(ObjectWriter.item(builtIn, cm).has("kind")).isFalse();
        assertThat(new String(ObjectWriter.itemBytes(builtIn, cm), StandardCharsets.UTF_8))
                .isEqualTo("{\"metadata\":{\"creationTimestamp\":null,\"name\":\"c\"}}");
    }

    @SuppressWarnings("unchecked")
    private static RequestScope scope(ResourceDefinition<?> def) {
        String path = "/apis/x/v1/namespaces/ns/" + def.resource();
        return new RequestScope(RequestInfoResolver.resolve("GET", path, null, null),
                (ResourceDefinition<HasMetadata>) def, null, null, Writes.ADMIN,
                new MockHttpServletRequest("GET", path), new MockHttpServletResponse());
    }

    private interface Handler {
        void handle(RequestScope scope) throws Exception;
    }

    private static MockHttpServletResponse send(ResourceDefinition<HasMetadata> def, Store<HasMetadata> store,
                                                String name, String accept, String query, Handler handler)
            throws Exception {
        return send(def, store, "GET", name, accept, query, null, handler);
    }

    private static MockHttpServletResponse send(ResourceDefinition<HasMetadata> def, Store<HasMetadata> store,
                                                String method, String name, String accept, String query,
                                                String body, Handler handler) throws Exception {
        String path = "/" + (def.group().isEmpty() ? "api" : "apis/" + def.group()) + "/" + def.version()
                + "/namespaces/ns/" + def.resource() + (name == null ? "" : "/" + name);
        MockHttpServletRequest req = new MockHttpServletRequest(method, path);
        if (body != null) {
            req.setContentType("application/json");
            req.setContent(body.getBytes(StandardCharsets.UTF_8));
        }
        if (accept != null) {
            req.addHeader("Accept", accept);
        }
        if (query != null) {
            String[] p = query.split("=", 2);
            req.addParameter(p[0], java.net.URLDecoder.decode(p[1], StandardCharsets.UTF_8));
        }
        MockHttpServletResponse res = new MockHttpServletResponse();
        handler.handle(new RequestScope(RequestInfoResolver.resolve(method, path, null, null), def, store,
                Writes.PIPELINE, Writes.ADMIN, req, res));
        return res;
    }

    private static void assertSame(MockHttpServletResponse actual, MockHttpServletResponse expected) {
        assertThat(actual.getStatus()).isEqualTo(expected.getStatus()).isEqualTo(200);
        assertThat(actual.getContentType()).isEqualTo(expected.getContentType());
        assertThat(new String(actual.getContentAsByteArray(), StandardCharsets.UTF_8))
                .isEqualTo(new String(expected.getContentAsByteArray(), StandardCharsets.UTF_8)).isNotEmpty();
    }

    @SuppressWarnings("unchecked")
    private <T extends HasMetadata> ResourceDefinition<T> definition(String resource, String version) {
        return (ResourceDefinition<T>) definitions.stream()
                .filter(d -> d.resource().equals(resource) && d.version().equals(version)).findFirst().orElseThrow();
    }
}
