package dev.kapi.apiserver.endpoints.patch;

import dev.kapi.apiserver.api.StatusError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PatchTypeTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "application/json-patch+json|JSON_PATCH",
            "application/merge-patch+json|MERGE",
            "application/strategic-merge-patch+json|STRATEGIC",
            "application/apply-patch+yaml|APPLY",
            "application/merge-patch+json; charset=utf-8|MERGE",
            " Application/JSON-Patch+JSON |JSON_PATCH"})
    void recognises(String contentType, PatchType expected) {
        assertThat(PatchType.fromContentType(contentType)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "text/plain", "", "application/apply-patch+cbor"})
    void rejectsUnknownWith415(String contentType) {
        assertThatThrownBy(() -> PatchType.fromContentType(contentType))
                .isInstanceOfSatisfying(StatusError.class, e -> {
                    assertThat(e.code()).isEqualTo(415);
                    assertThat(e.status().getMessage()).isEqualTo("the body of the request was in an unknown format - "
                            + "accepted media types include: application/json-patch+json, "
                            + "application/merge-patch+json, application/strategic-merge-patch+json, "
                            + "application/apply-patch+yaml");
                });
    }

    @Test
    void nullIs415() {
        assertThatThrownBy(() -> PatchType.fromContentType(null)).isInstanceOf(StatusError.class);
    }

    @Test
    void unsupportedTypeOfAResourceIs415ListingTheOthers() {
        assertThatThrownBy(() -> PatchType.fromContentType("application/strategic-merge-patch+json",
                EnumSet.of(PatchType.JSON_PATCH, PatchType.MERGE, PatchType.APPLY)))
                .isInstanceOfSatisfying(StatusError.class, e -> assertThat(e.status().getMessage()).endsWith(
                        "include: application/json-patch+json, application/merge-patch+json, "
                                + "application/apply-patch+yaml"));
    }
}
