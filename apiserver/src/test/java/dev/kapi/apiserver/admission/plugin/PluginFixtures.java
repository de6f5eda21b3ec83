package dev.kapi.apiserver.admission.plugin;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.testing.Attributes;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Objects from JSON (single quotes for double) and admission attributes for the built-in plugin tests. */
public final class PluginFixtures {

    private PluginFixtures() {
    }

    /** {@code type} read from JSON written with single quotes, e.g. {@code {'spec':{'containers':[]}}}. */
    public static <T> T read(Class<T> type, String json) {
        return Json.read(json.replace('\'', '"').getBytes(java.nio.charset.StandardCharsets.UTF_8), type);
    }

    /** The object as JSON with single quotes, for compact comparisons. */
    public static String json(Object obj) {
        return Json.string(obj).replace('"', '\'');
    }

    /** Attributes of a write of a core/v1 resource (group "" unless the resource is {@code group/resource}). */
    public static AdmissionAttributes attrs(Operation op, String resource, String subresource, String namespace,
                                            String name, HasMetadata obj, HasMetadata old) {
        String group = "";
        if (resource.contains("/")) {
            group = resource.substring(0, resource.indexOf('/'));
            resource = resource.substring(resource.indexOf('/') + 1);
        }
        String kind = obj != null ? obj.getKind() : old != null ? old.getKind() : "Unknown";
        return Attributes.of(op, group, "v1", resource, subresource, kind, namespace, name, obj, old, null, false);
    }

    /** The 403 {@code run} throws, its message checked. */
    public static StatusError forbidden(ThrowingCallable run, String message) {
        StatusError e = catchThrowableOfType(StatusError.class, run);
        assertThat(e).as("refused").isNotNull();
        assertThat(e.code()).isEqualTo(403);
        assertThat(e.reason()).isEqualTo("Forbidden");
        assertThat(e.getMessage()).isEqualTo(message);
        return e;
    }
}
