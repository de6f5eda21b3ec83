package dev.kapi.apiserver.endpoints.protobuf;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import io.kubernetes.client.proto.Runtime;
import tools.jackson.databind.node.ObjectNode;

import java.util.Arrays;
import java.util.Locale;

/**
 * Request bodies in Kubernetes protobuf ({@code application/vnd.kubernetes.protobuf}), the encoding client-go
 * typed clients (kubectl create/scale, controllers) send. A body is the magic {@code k8s\0} followed by a
 * {@code runtime.Unknown} envelope whose {@code raw} holds the object's message; {@link #decode} turns it
 * into the object's Kubernetes JSON tree, which the rest of the server handles like any JSON body.
 */
public final class ProtobufBodies {

    /** The media type of Kubernetes protobuf bodies. */
    public static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

    /** The four bytes every Kubernetes protobuf body starts with: {@code k8s\0}. */
    static final byte[] MAGIC = {0x6b, 0x38, 0x73, 0x00};

    private ProtobufBodies() {
    }

    /** Whether a Content-Type header names Kubernetes protobuf (parameters ignored). */
    public static boolean isProtobuf(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        return type.equals(MEDIA_TYPE);
    }

    /**
     * The Kubernetes JSON of the object in a protobuf body, with {@code apiVersion} and {@code kind} from the
     * envelope. Fails with 400 BadRequest for a body that is not a well-formed envelope and with 415
     * UnsupportedMediaType for a kind whose protobuf schema this server does not have.
     */
    public static ObjectNode decode(byte[] body) {
        if (body == null || !hasMagic(body)) {
            throw StatusError.badRequest("the protobuf request body does not start with the Kubernetes magic "
                    + "prefix \"k8s\\x00\"");
        }
        Runtime.Unknown envelope;
        try {
            envelope = Runtime.Unknown.parseFrom(ByteString.copyFrom(body, MAGIC.length, body.length - MAGIC.length));
        } catch (InvalidProtocolBufferException e) {
            throw malformed("the envelope", e);
        }
        String apiVersion = envelope.getTypeMeta().getApiVersion();
        String kind = envelope.getTypeMeta().getKind();
        if (kind.isEmpty()) {
            throw StatusError.badRequest("the protobuf request body has no kind in its envelope");
        }
        if (!envelope.getContentEncoding().isEmpty()) {
            throw StatusError.badRequest("the protobuf request body has an unsupported content encoding \""
                    + envelope.getContentEncoding() + "\"");
        }
        Descriptor type = ProtobufKinds.messageType(apiVersion, kind);
        if (type == null) {
            throw ProtobufJson.unsupported("protobuf is not supported for kind \"" + kind + "\" of \"" + apiVersion
                    + "\"; send the object as application/json");
        }
        DynamicMessage object;
        try {
            object = DynamicMessage.parseFrom(type, envelope.getRaw());
        } catch (InvalidProtocolBufferException e) {
            throw malformed("the " + kind, e);
        }
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("apiVersion", apiVersion);
        json.put("kind", kind);
        json.setAll(ProtobufJson.object(object));
        return json;
    }

    static boolean hasMagic(byte[] body) {
        return body.length >= MAGIC.length && Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    private static StatusError malformed(String what, InvalidProtocolBufferException e) {
        return StatusError.badRequest("the protobuf request body is malformed: cannot decode " + what + ": "
                + e.getMessage());
    }
}
