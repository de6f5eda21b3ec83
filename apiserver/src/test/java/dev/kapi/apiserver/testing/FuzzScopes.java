package dev.kapi.apiserver.testing;

import dev.kapi.apiserver.endpoints.handlers.RequestScope;
import dev.kapi.apiserver.filters.RequestInfoResolver;
import dev.kapi.apiserver.registry.BuiltInResources;
import dev.kapi.apiserver.registry.RegistryContext;
import dev.kapi.apiserver.registry.ResourceDefinition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import java.util.List;

/** The {@link RequestScope} of a request with a body, without storage: what the fuzz targets decode with. */
public final class FuzzScopes {

    private static final List<ResourceDefinition<?>> DEFINITIONS =
            BuiltInResources.all(new RegistryContext(null, "/registry", "10.96.0.0/12", "30000-32767"));

    private FuzzScopes() {
    }

    /** A {@code method} on the object {@code name} (null: the collection) of {@code resource} in namespace ns. */
    @SuppressWarnings("unchecked")
    public static RequestScope scope(String method, String resource, String name, String contentType,
                                     String fieldValidation, byte[] body) {
        ResourceDefinition<HasMetadata> def = (ResourceDefinition<HasMetadata>) DEFINITIONS.stream()
                .filter(d -> d.resource().equals(resource)).findFirst().orElseThrow();
        String path = "/" + (def.group().isEmpty() ? "api/" : "apis/" + def.group() + "/") + def.version()
                + (def.namespaced() ? "/namespaces/ns/" : "/") + resource + (name == null ? "" : "/" + name);
        MockHttpServletRequest req = new MockHttpServletRequest(method, path);
        if (fieldValidation != null) {
            req.setParameter("fieldValidation", fieldValidation);
        }
        req.setContentType(contentType);
        req.setContent(body);
        return new RequestScope(RequestInfoResolver.resolve(method, path, null, null), def, null, null, null, req,
                new MockHttpServletResponse());
    }
}
