package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.testing.PlainJson;
import dev.kapi.apiserver.api.schema.Schema;
import dev.kapi.apiserver.registry.schema.BuiltInSchemas;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import dev.kapi.apiserver.api.schema.SchemaBuilder;
import dev.kapi.apiserver.endpoints.decoding.UnmappedFields;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unknown fields are reported by their path and removed from the decoded object: typed objects (beans)
 * against the built-in schema of their type, untyped ones (maps, as a custom resource will be) against any
 * schema.
 */
class UnknownFieldsTest {

    record Case(String name, Class<? extends HasMetadata> type, String json, List<String> unknown) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("none", ConfigMap.class,
                        "{\"metadata\":{\"name\":\"a\",\"labels\":{\"x\":\"y\"}},\"data\":{\"k\":\"v\"}}", List.of()),
                new Case("top level and metadata", ConfigMap.class,
                        "{\"foo\":1,\"metadata\":{\"name\":\"a\",\"bar\":2},\"data\":{\"k\":\"v\"}}",
                        List.of("foo", "metadata.bar")),
                new Case("in a list item", Deployment.class,
                        "{\"spec\":{\"foo\":1,\"template\":{\"spec\":{\"containers\":[{\"name\":\"a\"},"
                                + "{\"name\":\"b\",\"bar\":true}]}}}}",
                        List.of("spec.foo", "spec.template.spec.containers[1].bar")),
                new Case("in metadata's lists", ConfigMap.class,
                        "{\"metadata\":{\"name\":\"a\",\"ownerReferences\":[{\"name\":\"o\",\"baz\":1}],"
                                + "\"managedFields\":[{\"manager\":\"m\"},{\"manager\":\"n\",\"foo\":{}}]}}",
                        List.of("metadata.managedFields[1].foo", "metadata.ownerReferences[0].baz")),
                new Case("in a CRD's nested schema", CustomResourceDefinition.class,
                        "{\"spec\":{\"group\":\"g\",\"versions\":[{\"name\":\"v1\",\"bar\":1,"
                                + "\"schema\":{\"openAPIV3Schema\":{\"type\":\"object\"}}}],\"names\":{\"baz\":2}}}",
                        List.of("spec.names.baz", "spec.versions[0].bar")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void reportsAndRemoves(Case c) {
        HasMetadata obj = Json.read(c.json().getBytes(), c.type());

        Schema schema = BuiltInSchemas.of(c.type());

        assertThat(UnknownFields.prune(obj, schema)).containsExactlyInAnyOrderElementsOf(c.unknown());
        assertThat(UnknownFields.prune(obj, schema)).as("pruned").isEmpty();
        assertThat(Json.string(obj)).doesNotContain("\"foo\"", "\"bar\"", "\"baz\"");
    }

    /** kube's FieldsV1 is raw JSON (a trie of field names), so nothing in it is an unknown field. */
    @Test
    void managedFieldsKeepTheirFieldSets() {
        String json = "{\"metadata\":{\"name\":\"a\",\"managedFields\":[{\"manager\":\"m\",\"operation\":\"Apply\","
                + "\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:data\":{\"f:k\":{}}},\"foo\":1}]}}";
        ConfigMap obj = Json.read(json.getBytes(), ConfigMap.class);

        assertThat(UnknownFields.prune(obj, BuiltInSchemas.of(ConfigMap.class)))
                .containsExactly("metadata.managedFields[0].foo");
        assertThat(Json.string(obj)).contains("\"fieldsV1\":{\"f:data\":{\"f:k\":{}}}");
    }

    @Test
    void untypedObjectsArePrunedByTheirSchema() {
        Schema integer = SchemaBuilder.node().type("integer").build();
        Schema string = SchemaBuilder.node().type("string").build();
        Schema port = SchemaBuilder.node().type("object").property("port", integer).build();
        Schema spec = SchemaBuilder.node().type("object")
                .property("replicas", integer)
                .property("ports", SchemaBuilder.node().type("array").items(port).build())
                .property("labels", SchemaBuilder.node().type("object").additionalProperties(string).build())
                .property("byName", SchemaBuilder.node().type("object").additionalProperties(port).build())
                .property("free", SchemaBuilder.node().type("object").preserveUnknownFields()
                        .property("known", port).build())
                .property("raw", SchemaBuilder.node().preserveUnknownFields().build())
                .build();
        Schema root = SchemaBuilder.node().type("object").property("spec", spec).build();
        Map<?, ?> obj = Json.read(("{'spec':{'replicas':1,'foo':1,'ports':[{'port':1,'bar':2}],'labels':{'a':'b'},"
                + "'byName':{'x':{'port':2,'baz':3}},'free':{'anything':1,'known':{'port':3,'qux':4}},"
                + "'raw':{'any':{'thing':1}}}}").replace('\'', '"').getBytes(), Map.class);

        assertThat(UnknownFields.prune(obj, root)).containsExactlyInAnyOrder("spec.foo", "spec.ports[0].bar",
                "spec.byName.x.baz", "spec.free.known.qux");
        assertThat(Json.string(obj)).isEqualTo(("{'spec':{'replicas':1,'ports':[{'port':1}],'labels':{'a':'b'},"
                + "'byName':{'x':{'port':2}},'free':{'anything':1,'known':{'port':3}},'raw':{'any':{'thing':1}}}}")
                .replace('\'', '"'));
    }

    @Test
    void aTypedObjectWhoseSchemaPreservesUnknownFieldsKeepsThem() {
        SchemaBuilder preserving = SchemaBuilder.node().type("object").preserveUnknownFields();
        BuiltInSchemas.of(ConfigMap.class).properties().forEach(preserving::property);
        ConfigMap obj = Json.read("{\"foo\":1,\"metadata\":{\"bar\":2}}".getBytes(), ConfigMap.class);

        assertThat(UnknownFields.prune(obj, preserving.build())).containsExactly("metadata.bar");
        assertThat(obj.getAdditionalProperties()).containsOnlyKeys("foo");
    }

    /** A custom resource decodes into a generic bean whose any-setter map holds its spec: the schema decides. */
    @Test
    void aGenericResourcesSpecIsCheckedAgainstItsSchema() {
        Schema spec = SchemaBuilder.node().type("object")
                .property("size", SchemaBuilder.node().type("integer").build()).build();
        Schema widget = SchemaBuilder.node().type("object")
                .property("apiVersion", SchemaBuilder.node().type("string").build())
                .property("kind", SchemaBuilder.node().type("string").build())
                .property("metadata", BuiltInSchemas.meta("ObjectMeta"))
                .property("spec", spec).build();
        GenericKubernetesResource obj = Json.read(("{'apiVersion':'example.com/v1','kind':'Widget',"
                + "'metadata':{'name':'w','foo':1},'spec':{'size':2,'bar':3},'status':{}}").replace('\'', '"')
                .getBytes(), GenericKubernetesResource.class);

        assertThat(UnknownFields.prune(obj, widget)).containsExactlyInAnyOrder("status", "metadata.foo",
                "spec.bar");
        assertThat(PlainJson.string(obj)).isEqualTo(("{'apiVersion':'example.com/v1','kind':'Widget',"
                + "'metadata':{'name':'w'},'spec':{'size':2}}").replace('\'', '"'));
    }

    /**
     * fabric8's JSONSchemaProps has no catch-all map: its unknown keywords are what the read recorded, reported
     * where kube's strict decoder reports them (map keys as steps), and not inside {@code items},
     * {@code additionalProperties} or {@code dependencies}, which kube decodes leniently (dropped unreported), nor
     * in values ({@code default}, {@code enum}), which are kept.
     */
    @Test
    void aCrdSchemasUnknownKeywordsAreFoundWhereKubesStrictDecoderFindsThem() {
        String json = ("{'spec':{'group':'g','versions':[{'name':'v1','schema':{'openAPIV3Schema':{'type':'object',"
                + "'typo':1,'properties':{'spec':{'type':'object','maxLenght':3,'properties':{'a':{'type':'string',"
                + "'x-kubernetes-preserve-unknown-field':true}},'not':{'bogus':1},'allOf':[{},{'bogus2':1}],"
                + "'patternProperties':{'^x':{'pp':1}},'definitions':{'d':{'dd':1}},"
                + "'x-kubernetes-validations':[{'rule':'true','ruel':'x'}]},"
                + "'lenient':{'type':'array','items':{'inItems':1},'additionalProperties':{'inAdditional':1},"
                + "'dependencies':{'a':{'inDependencies':1}},'default':{'inDefault':1},'enum':[{'inEnum':1}]}}}}}]}}")
                .replace('\'', '"');
        UnmappedFields unmapped = new UnmappedFields();
        CustomResourceDefinition crd = unmapped.reader(CustomResourceDefinition.class).readValue(json);
        String at = "spec.versions[0].schema.openAPIV3Schema.";

        assertThat(UnknownFields.prune(crd, BuiltInSchemas.of(CustomResourceDefinition.class), unmapped))
                .containsExactlyInAnyOrder(at + "typo", at + "properties.spec.maxLenght",
                        at + "properties.spec.properties.a.x-kubernetes-preserve-unknown-field",
                        at + "properties.spec.not.bogus", at + "properties.spec.allOf[1].bogus2",
                        at + "properties.spec.patternProperties.^x.pp", at + "properties.spec.definitions.d.dd",
                        at + "properties.spec.x-kubernetes-validations[0].ruel");
        // kube drops the lenient schemas' unknown keywords unreported, and keeps values as they are
        assertThat(Json.string(crd)).doesNotContain("typo", "maxLenght", "bogus", "ruel", "inItems", "inAdditional",
                "inDependencies").contains("inDefault", "inEnum");
        assertThat(UnknownFields.prune(crd, BuiltInSchemas.of(CustomResourceDefinition.class)))
                .as("read without recording").isEmpty();
    }
}
