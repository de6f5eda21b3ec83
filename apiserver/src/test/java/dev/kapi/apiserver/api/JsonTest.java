package dev.kapi.apiserver.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;

/** Decoding without managedFields leaves out those alone: everything else, unknown fields too, as a full read. */
class JsonTest {

    private static final byte[] POD = ("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\","
            + "\"labels\":{\"app\":\"a\"},\"managedFields\":[{\"manager\":\"kubectl\",\"operation\":\"Apply\","
            + "\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:spec\":{\"f:containers\":{}}}}],\"extra\":true},"
            + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"future\":{\"x\":1}}]},\"status\":{}}")
            .getBytes(UTF_8);

    @Test
    void readWithoutManagedFieldsDiffersFromReadInManagedFieldsAlone() {
        Pod full = Json.read(POD, Pod.class);
        Pod lean = Json.readWithoutManagedFields(POD, Pod.class);
        assertThat(full.getMetadata().getManagedFields()).hasSize(1);
        assertThat(lean.getMetadata().getManagedFields()).isEmpty();
        assertThat(lean.getMetadata().getAdditionalProperties()).containsEntry("extra", true);
        assertThat(lean.getSpec().getContainers().get(0).getAdditionalProperties()).containsKey("future");
        full.getMetadata().setManagedFields(lean.getMetadata().getManagedFields());
        assertThat(lean).isEqualTo(full);
        assertThat(Json.read(POD, Pod.class).getMetadata().getManagedFields()).hasSize(1); // MAPPER unchanged
    }

    @Test
    void sameJsonComparesAsWrittenAndTakesAnEmptyListAsNone() {
        io.fabric8.kubernetes.api.model.apps.DeploymentSpec built = new io.fabric8.kubernetes.api.model.apps.DeploymentSpec();
        built.setPaused(false);
        built.setMinReadySeconds(0);
        assertThat(Json.sameJson(built, new io.fabric8.kubernetes.api.model.apps.DeploymentSpec())).isTrue();
        built.setPaused(true);
        assertThat(Json.sameJson(built, new io.fabric8.kubernetes.api.model.apps.DeploymentSpec())).isFalse();
        assertThat(Json.sameJson(null, java.util.List.of())).isTrue();
        assertThat(Json.sameJson(java.util.List.of(), null)).isTrue();
        assertThat(Json.sameJson(null, java.util.List.of("a"))).isFalse();
        // a nil pointer and a zero struct differ
        assertThat(Json.sameJson(null, new io.fabric8.kubernetes.api.model.apps.DeploymentSpec())).isFalse();
    }
}
