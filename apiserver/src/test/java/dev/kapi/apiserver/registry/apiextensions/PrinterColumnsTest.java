package dev.kapi.apiserver.registry.apiextensions;

import dev.kapi.apiserver.registry.TableColumn;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinitionBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A CRD's additionalPrinterColumns as kube's table convertor declares them. */
class PrinterColumnsTest {

    @Test
    void aColumnWithoutDescriptionGetsKubes() {
        List<TableColumn<GenericKubernetesResource>> columns = PrinterColumns.of(List.of(
                new CustomResourceColumnDefinitionBuilder().withName("Size").withType("integer")
                        .withJsonPath(".spec.size").build(),
                new CustomResourceColumnDefinitionBuilder().withName("Phase").withType("string")
                        .withJsonPath(".status.phase").withDescription("the phase").build()));
        assertThat(columns).extracting(TableColumn::description).containsExactly(
                columns.get(0).description(),
                "Custom resource definition column (in JSONPath format): .spec.size", "the phase");
    }
}
