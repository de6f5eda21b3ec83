package dev.kapi.apiserver.registry.apiextensions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.Json;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.node.ObjectNode;

/** The static checks of a CRD, one broken field per case, with kube's paths and messages. */
class CrdValidationTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                c("valid", crd -> { }, List.of()),
                c("name not plural.group", crd -> crd.set("metadata", Json.object("{\"name\":\"foo.example.com\"}"
                                .getBytes())),
                        List.of("metadata.name: Invalid value: \"foo.example.com\": must be spec.names.plural+\".\"+spec.group")),
                c("group without dot", crd -> {
                    spec(crd).put("group", "example");
                    crd.withObjectProperty("metadata").put("name", "widgets.example");
                }, List.of("spec.group: Invalid value: \"example\": should be a domain with at least one dot")),
                c("scope", crd -> spec(crd).put("scope", "Global"),
                        List.of("spec.scope: Unsupported value: \"Global\": supported values: \"Cluster\", \"Namespaced\"")),
                c("two storage versions", crd -> spec(crd).withArrayProperty("versions").addObject().put("name", "v2")
                                .put("served", true).put("storage", true)
                                .set("schema", Json.object("{\"openAPIV3Schema\":{\"type\":\"object\"}}".getBytes())),
                        List.of("spec.versions: Invalid value: [v1, v2]: must have exactly one version marked as storage version")),
                c("version name", crd -> version(crd).put("name", "V1"),
                        List.of("spec.versions[0].name: Invalid value: \"V1\": a DNS-1035 label must consist of lower case "
                                + "alphanumeric characters or '-', start with an alphabetic character, and end with an "
                                + "alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is "
                                + "'[a-z]([-a-z0-9]*[a-z0-9])?')")),
                c("no schema", crd -> version(crd).remove("schema"),
                        List.of("spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required")),
                c("kind equals listKind", crd -> names(crd).put("listKind", "Widget"),
                        List.of("spec.names.listKind: Invalid value: \"Widget\": kind and listKind may not be the same")),
                c("missing kind", crd -> names(crd).remove("kind"),
                        List.of("spec.names.kind: Required value")),
                c("scale path outside spec", crd -> version(crd).set("subresources", Json.object(
                                "{\"scale\":{\"specReplicasPath\":\".status.r\",\"statusReplicasPath\":\".status.r\"}}".getBytes())),
                        List.of("spec.versions[0].subresources.scale.specReplicasPath: Invalid value: \".status.r\": "
                                + "should be a json path under .spec")),
                c("printer column type", crd -> version(crd).set("additionalPrinterColumns", Json.MAPPER.createArrayNode()
                                .add(Json.object("{\"name\":\"R\",\"type\":\"int\",\"jsonPath\":\".spec.r\"}".getBytes()))),
                        List.of("spec.versions[0].additionalPrinterColumns[0].type: Unsupported value: \"int\": supported "
                                + "values: \"boolean\", \"date\", \"integer\", \"number\", \"string\"")),
                c("protected group without approval", crd -> {
                    spec(crd).put("group", "widgets.k8s.io");
                    crd.withObjectProperty("metadata").put("name", "widgets.widgets.k8s.io");
                }, List.of("metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups must have "
                        + "approval annotation \"api-approved.kubernetes.io\", see https://github.com/kubernetes/enhancements/pull/1111")),
                c("protected group with a bad approval", crd -> {
                    spec(crd).put("group", "x.kubernetes.io");
                    crd.withObjectProperty("metadata").put("name", "widgets.x.kubernetes.io")
                            .withObjectProperty("annotations").put("api-approved.kubernetes.io", "bad value");
                }, List.of("metadata.annotations[api-approved.kubernetes.io]: Invalid value: \"bad value\": protected "
                        + "groups must have approval annotation \"api-approved.kubernetes.io\" with either a URL or a "
                        + "reason starting with \"unapproved\", see https://github.com/kubernetes/enhancements/pull/1111")),
                c("protected group, unapproved on purpose", crd -> {
                    spec(crd).put("group", "x.k8s.io");
                    crd.withObjectProperty("metadata").put("name", "widgets.x.k8s.io")
                            .withObjectProperty("annotations").put("api-approved.kubernetes.io", "unapproved, testing");
                }, List.of()),
                c("selectable fields", crd -> {
                    version(crd).set("schema", Json.object("""
                            {"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","properties":{
                              "color":{"type":"string"},"size":{"type":"integer"},"tags":{"type":"array",
                              "items":{"type":"string"}}}}}}}""".getBytes()));
                    var fields = version(crd).putArray("selectableFields");
                    for (String p : new String[] {".spec.color", ".spec.size", ".spec.tags", ".spec.nope",
                            ".metadata.name", ".spec.color", "spec.color"}) {
                        fields.addObject().put("jsonPath", p);
                    }
                }, List.of("spec.versions[0].selectableFields[2].jsonPath: Invalid value: \".spec.tags\": must point "
                                + "to a field of type string, boolean or integer. Enum string fields and strings with "
                                + "formats are allowed.",
                        "spec.versions[0].selectableFields[3].jsonPath: Invalid value: \".spec.nope\": is an invalid "
                                + "path: does not refer to a valid field",
                        "spec.versions[0].selectableFields[4].jsonPath: Invalid value: \".metadata.name\": is an "
                                + "invalid path: does not refer to a valid field",
                        "spec.versions[0].selectableFields[5].jsonPath: Duplicate value: \".spec.color\"",
                        "spec.versions[0].selectableFields[6].jsonPath: Invalid value: \"spec.color\": is an invalid "
                                + "path: must be a simple path of fields starting with ., without array notation")),
                c("printer column path", crd -> version(crd).set("additionalPrinterColumns", Json.MAPPER.createArrayNode()
                                .add(Json.object("{\"name\":\"R\",\"type\":\"string\",\"jsonPath\":\"spec\"}".getBytes()))),
                        List.of("spec.versions[0].additionalPrinterColumns[0].jsonPath: Invalid value: \"spec\": must "
                                + "be a json path starting with . or [")));
    }

    private static Arguments c(String name, Consumer<ObjectNode> change, List<String> errors) {
        return Arguments.of(name, change, errors);
    }

    private static ObjectNode spec(ObjectNode crd) {
        return crd.withObjectProperty("spec");
    }

    private static ObjectNode names(ObjectNode crd) {
        return spec(crd).withObjectProperty("names");
    }

    private static ObjectNode version(ObjectNode crd) {
        return (ObjectNode) spec(crd).withArrayProperty("versions").get(0);
    }

    @org.junit.jupiter.api.Test
    void singularListKindAndConversionAreDefaultedAsApiextensionsV1Does() {
        ObjectNode tree = (ObjectNode) Json.tree(CrdFixtures.crd("example.com", "widgets", "Widget"));
        names(tree).remove("singular");
        names(tree).remove("listKind");
        CustomResourceDefinition crd = Json.convert(tree, CustomResourceDefinition.class);
        new CrdStrategy().applyDefaults(crd);
        assertThat(crd.getSpec().getNames().getSingular()).isEqualTo("widget");
        assertThat(crd.getSpec().getNames().getListKind()).isEqualTo("WidgetList");
        assertThat(crd.getSpec().getConversion().getStrategy()).isEqualTo("None");
        assertThat(new CrdStrategy().validate(crd)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void validates(String name, Consumer<ObjectNode> change, List<String> errors) {
        ObjectNode tree = (ObjectNode) Json.tree(CrdFixtures.crd("example.com", "widgets", "Widget"));
        change.accept(tree);
        CustomResourceDefinition crd = Json.convert(tree, CustomResourceDefinition.class);
        CrdStrategy strategy = new CrdStrategy();
        strategy.applyDefaults(crd);
        assertThat(strategy.validate(crd).stream().map(FieldError::toString).toList()).isEqualTo(errors);
    }
}
