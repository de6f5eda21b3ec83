package dev.kapi.apiserver.endpoints.protobuf;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.kapi.apiserver.api.StatusError;
import io.kubernetes.client.proto.Meta.ObjectMeta;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;

import static dev.kapi.apiserver.endpoints.protobuf.ProtobufBodiesTest.body;
import static dev.kapi.apiserver.endpoints.protobuf.ProtobufBodiesTest.withMagic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProtobufBodiesErrorsTest {

    record Bad(String name, byte[] body, int code, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final byte[] CONFIGMAP = body("v1", "ConfigMap",
            V1.ConfigMap.newBuilder().setMetadata(ObjectMeta.newBuilder().setName("cfg")).putData("a", "1").build());

    static List<Bad> bodies() {
        return List.of(
                new Bad("empty body", new byte[0], 400, "does not start with the Kubernetes magic prefix"),
                new Bad("JSON body", "{\"kind\":\"ConfigMap\"}".getBytes(), 400,
                        "does not start with the Kubernetes magic prefix"),
                new Bad("truncated envelope", Arrays.copyOf(CONFIGMAP, CONFIGMAP.length - 3), 400,
                        "the protobuf request body is malformed: cannot decode the envelope"),
                new Bad("truncated object", withMagic(Runtime.Unknown.newBuilder()
                        .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion("v1").setKind("ConfigMap"))
                        .setRaw(ByteString.copyFrom(new byte[]{0x0a, 0x10, 0x0a})).build().toByteArray()), 400,
                        "the protobuf request body is malformed: cannot decode the ConfigMap"),
                new Bad("no kind", withMagic(Runtime.Unknown.newBuilder().build().toByteArray()), 400,
                        "the protobuf request body has no kind in its envelope"),
                new Bad("content encoding", withMagic(Runtime.Unknown.newBuilder()
                        .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion("v1").setKind("ConfigMap"))
                        .setContentEncoding("gzip").build().toByteArray()), 400,
                        "unsupported content encoding \"gzip\""),
                new Bad("kind not in the protobuf schemas", body("coordination.k8s.io/v1", "Lease",
                        V1.ConfigMap.getDefaultInstance()), 415,
                        "the body of the request was in an unknown format - protobuf is not supported for kind "
                                + "\"Lease\" of \"coordination.k8s.io/v1\"; send the object as application/json"),
                new Bad("unknown kind of a known group", body("apps/v1", "Widget", V1.ConfigMap.getDefaultInstance()),
                        415, "protobuf is not supported for kind \"Widget\" of \"apps/v1\""),
                new Bad("field the schema does not know, with a value", body("apps/v1", "Deployment",
                        V1Apps.Deployment.newBuilder().setSpec(V1Apps.DeploymentSpec.newBuilder().setUnknownFields(
                                UnknownFieldSet.newBuilder().addField(99, UnknownFieldSet.Field.newBuilder()
                                        .addLengthDelimited(ByteString.copyFromUtf8("new")).build()).build())).build()),
                        415, "protobuf is not supported for field 99 of DeploymentSpec"),
                // found by ProtobufBodiesFuzzTest: a DateTimeException (500)
                new Bad("time out of range", body("v1", "ConfigMap", V1.ConfigMap.newBuilder().setMetadata(
                        ObjectMeta.newBuilder().setName("c").setCreationTimestamp(io.kubernetes.client.proto.Meta.Time
                                .newBuilder().setSeconds(Long.MAX_VALUE))).build()), 400,
                        "the protobuf request body is malformed: a time of 9223372036854775807 seconds"),
                new Bad("raw extension that is not JSON", body("apps/v1", "ControllerRevision",
                        V1Apps.ControllerRevision.newBuilder().setData(Runtime.RawExtension.newBuilder()
                                .setRaw(ByteString.copyFromUtf8("{not json"))).build()),
                        400, "an embedded JSON value is not valid JSON"),
                new Bad("objects embedded in raw extensions without end", nested(5_000), 400,
                        "objects embedded in RawExtensions are nested more than 32 deep"));
    }

    /** ControllerRevisions whose data holds a ControllerRevision as protobuf, {@code depth} deep. */
    static byte[] nested(int depth) {
        byte[] inner = body("apps/v1", "ControllerRevision", V1Apps.ControllerRevision.newBuilder().build());
        for (int i = 0; i < depth; i++) {
            inner = body("apps/v1", "ControllerRevision", V1Apps.ControllerRevision.newBuilder()
                    .setData(Runtime.RawExtension.newBuilder().setRaw(ByteString.copyFrom(inner))).build());
        }
        return inner;
    }

    @org.junit.jupiter.api.Test
    void objectsEmbeddedAFewDeepStillDecode() {
        assertThat(ProtobufBodies.decode(nested(10)).toString()).contains("ControllerRevision");
    }

    @ParameterizedTest
    @MethodSource("bodies")
    void rejects(Bad bad) {
        assertThatThrownBy(() -> ProtobufBodies.decode(bad.body()))
                .isInstanceOfSatisfying(StatusError.class, e -> {
                    assertThat(e.code()).isEqualTo(bad.code());
                    assertThat(e.reason()).isEqualTo(bad.code() == 400 ? "BadRequest" : "UnsupportedMediaType");
                    assertThat(e.status().getMessage()).contains(bad.message());
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "application/vnd.kubernetes.protobuf|true",
            "application/vnd.kubernetes.protobuf; charset=utf-8|true",
            " Application/VND.Kubernetes.Protobuf |true",
            "application/vnd.kubernetes.protobuf;stream=watch|true",
            "application/json|false",
            "application/vnd.kubernetes.protobuf+json|false",
            "''|false",
            "null|false"})
    void recognisesTheMediaType(String contentType, boolean protobuf) {
        assertThat(ProtobufBodies.isProtobuf(contentType)).isEqualTo(protobuf);
    }
}
