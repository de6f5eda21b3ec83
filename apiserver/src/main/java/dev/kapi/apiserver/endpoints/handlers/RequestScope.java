package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionChain;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.filters.RequestInfo;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.WriteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything a verb handler needs about one resource request: the parsed request info, the resource's
 * definition and store, the namespace (null for cluster-scoped resources), the user, the admission chain
 * and the servlet request/response. Warnings collected while handling go out as {@code Warning} headers.
 */
public final class RequestScope {

    private final RequestInfo info;
    private final ResourceDefinition<HasMetadata> definition;
    private final Store<HasMetadata> store;
    private final AdmissionChain admission;
    private final UserInfo user;
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final List<String> warnings = new ArrayList<>();

    /** @param user the user authorization allowed this request for (after impersonation) */
    public RequestScope(RequestInfo info, ResourceDefinition<HasMetadata> definition, Store<HasMetadata> store,
                        AdmissionChain admission, UserInfo user, HttpServletRequest request,
                        HttpServletResponse response) {
        this.info = info;
        this.definition = definition;
        this.store = store;
        this.admission = admission;
        this.user = user;
        this.request = request;
        this.response = response;
    }

    public RequestInfo info() {
        return info;
    }

    public ResourceDefinition<HasMetadata> definition() {
        return definition;
    }

    public Store<HasMetadata> store() {
        return store;
    }

    public HttpServletRequest request() {
        return request;
    }

    public HttpServletResponse response() {
        return response;
    }

    /** The namespace the request addresses; null for cluster-scoped resources and all-namespace lists. */
    public String namespace() {
        return definition.namespaced() ? info.namespace() : null;
    }

    public String name() {
        return info.name();
    }

    public String subresource() {
        return info.subresource();
    }

    public UserInfo user() {
        return user;
    }

    public String param(String name) {
        return request.getParameter(name);
    }

    /** {@code dryRun=All} (the only value kube-apiserver supports); any other value is a 400. */
    public boolean dryRun() {
        String[] values = request.getParameterValues("dryRun");
        if (values == null) {
            return false;
        }
        for (String v : values) {
            if (!"All".equals(v)) {
                throw StatusError.badRequest("Invalid dryRun value: \"" + v + "\": supported values: \"All\"");
            }
        }
        return true;
    }

    public void warn(String warning) {
        warnings.add(warning);
    }

    /** Writes the collected warnings as RFC 7234 {@code Warning: 299 - "..."} headers. */
    public void flushWarnings() {
        for (String w : warnings) {
            response.addHeader("Warning", "299 - \"" + w.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
        }
        warnings.clear();
    }

    /** Write options whose validation step runs the validating admission chain. */
    public WriteOptions writeOptions(AdmissionAttributes.Operation operation, boolean dryRun) {
        return new WriteOptions(dryRun, (obj, old) -> admission.validate(attributes(operation, obj, old, dryRun)));
    }

    /** Runs mutating admission on an object about to be written; returns the object to continue with. */
    public HasMetadata mutate(AdmissionAttributes.Operation operation, HasMetadata obj, HasMetadata old,
                              boolean dryRun) {
        return admission.mutate(attributes(operation, obj, old, dryRun));
    }

    private AdmissionAttributes attributes(AdmissionAttributes.Operation operation, HasMetadata obj,
                                           HasMetadata old, boolean dryRun) {
        String name = obj != null && obj.getMetadata() != null ? obj.getMetadata().getName() : info.name();
        return new AdmissionAttributes(operation, definition.group(), definition.version(), definition.resource(),
                info.subresource(), definition.kind(), namespace(), name, obj, old, user(), dryRun);
    }
}
