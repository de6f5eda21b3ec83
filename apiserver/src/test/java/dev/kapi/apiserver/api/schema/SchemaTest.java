package dev.kapi.apiserver.api.schema;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The model's contract: definitions, references, fields, patch strategies. */
class SchemaTest {

    private static final Schema STRING = SchemaBuilder.node().type("string").build();

    @Test
    void aDeclaredDefinitionMayReachItselfAndIsDefinedOnce() {
        Schema node = SchemaBuilder.declare("example.Node");
        SchemaBuilder.node().type("object").property("name", STRING)
                .property("children", SchemaBuilder.node().type("array").items(node).build()).define(node);

        assertThat(node.name()).isEqualTo("example.Node");
        assertThat(node.definition()).isSameAs(node);
        assertThat(node.field("children").items()).isSameAs(node);
        assertThat(node.properties()).containsOnlyKeys("name", "children");
        assertThatThrownBy(() -> SchemaBuilder.node().type("object").define(node))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aReferenceHasItsDefinitionsStructureAndItsOwnUseSiteAttributes() {
        Schema strategy = SchemaBuilder.declare("example.Strategy");
        SchemaBuilder.node().type("object").property("type", STRING).define(strategy);
        Schema field = SchemaBuilder.reference(strategy).patchStrategy("retainKeys").description("how").build();

        assertThat(field.definition()).isSameAs(strategy);
        assertThat(field.name()).isEmpty();
        assertThat(field.type()).isEqualTo("object");
        assertThat(field.properties()).isSameAs(strategy.properties());
        assertThat(field.patchStrategy()).isEqualTo("retainKeys");
        assertThat(field.description()).isEqualTo("how");
        assertThat(strategy.patchStrategy()).isEmpty();
        assertThatThrownBy(() -> SchemaBuilder.reference(strategy).type("string"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFieldIsAPropertyElseAMapValueElseUnknown() {
        Schema object = SchemaBuilder.node().type("object").property("a", STRING).build();
        Schema map = SchemaBuilder.node().type("object").additionalProperties(STRING).build();

        assertThat(object.field("a")).isSameAs(STRING);
        assertThat(object.field("b")).isNull();
        assertThat(map.field("anything")).isSameAs(STRING);
        assertThat(STRING.field("a")).isNull();
        assertThat(object.definition()).as("anonymous").isNull();
    }

    @Test
    void patchStrategiesAreACommaList() {
        Schema volumes = SchemaBuilder.node().type("array").items(STRING).patchStrategy("merge,retainKeys")
                .patchMergeKey("name").listType("map").listMapKeys(List.of("name")).build();

        assertThat(volumes.hasPatchStrategy("merge")).isTrue();
        assertThat(volumes.hasPatchStrategy("retainKeys")).isTrue();
        assertThat(volumes.hasPatchStrategy("replace")).isFalse();
        assertThat(STRING.hasPatchStrategy("merge")).isFalse();
        assertThat(volumes.listMapKeys()).containsExactly("name");
    }

    @Test
    void aCopyChangesOnlyWhatItIsTold() {
        Schema list = SchemaBuilder.node().type("array").items(STRING).build();
        Schema merged = SchemaBuilder.copyOf(list).patchStrategy("merge").build();

        assertThat(merged.items()).isSameAs(STRING);
        assertThat(merged.type()).isEqualTo("array");
        assertThat(merged.patchStrategy()).isEqualTo("merge");
        assertThat(list.patchStrategy()).isEmpty();
    }
}
