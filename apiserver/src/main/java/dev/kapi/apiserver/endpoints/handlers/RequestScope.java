package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.admission.AdmissionRecorder;
import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.audit.AuditContext;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.authz.AuthorizationAttributes;
import dev.kapi.apiserver.authz.Authorizer;
import dev.kapi.apiserver.authz.Decision;
import dev.kapi.apiserver.authz.ForbiddenMessages;
import dev.kapi.apiserver.filters.RequestInfo;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import dev.kapi.apiserver.registry.validation.GoValues;
import io.fabric8.kubernetes.api.model.CreateOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.UpdateOptions;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a verb handler needs about one resource request: the parsed request info, the resource's
 * definition and store, the namespace (null for cluster-scoped resources), the user, the write pipeline
 * every write goes through (with the scope and options of this request) and the servlet request/response.
 * Warnings go out as {@code Warning} headers as soon as they are recorded.
 */
public final class RequestScope {

    private final RequestInfo info;
    private final ResourceDefinition<HasMetadata> definition;
    private final Store<HasMetadata> store;
    private final WritePipeline writes;
    private final UserInfo user;
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final Authorizer authorizer;
    private final WarningHeaders warnings;
    private final Map<String, String> auditAnnotations = new LinkedHashMap<>();

    /** A scope without an authorizer: a write that would create through PATCH is refused (500), as in kube. */
    public RequestScope(RequestInfo info, ResourceDefinition<HasMetadata> definition, Store<HasMetadata> store,
                        WritePipeline writes, UserInfo user, HttpServletRequest request,
                        HttpServletResponse response) {
        this(info, definition, store, writes, user, request, response, null);
    }

    /**
     * @param user       the user authorization allowed this request for (after impersonation)
     * @param authorizer asked again when the request turns out to create (an apply of a missing object)
     */
    public RequestScope(RequestInfo info, ResourceDefinition<HasMetadata> definition, Store<HasMetadata> store,
                        WritePipeline writes, UserInfo user, HttpServletRequest request,
                        HttpServletResponse response, Authorizer authorizer) {
        this.authorizer = authorizer;
        this.info = info;
        this.definition = definition;
        this.store = store;
        this.writes = writes;
        this.user = user;
        this.request = request;
        this.response = response;
        this.warnings = new WarningHeaders(response);
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

    /**
     * kube's {@code EnsureObjectNamespaceMatchesRequestNamespace} for a body: its namespace, when set, must be
     * the URL's, else 400 (authorization decided on the URL's namespace). Nothing for cluster-scoped resources.
     */
    public void checkObjectNamespace(HasMetadata obj) {
        if (obj.getMetadata() == null || !definition.namespaced()) {
            return;
        }
        String bodyNs = obj.getMetadata().getNamespace();
        if (bodyNs != null && !bodyNs.isEmpty() && !bodyNs.equals(namespace())) {
            throw StatusError.badRequest("the namespace of the provided object does not match the namespace sent on "
                    + "the request");
        }
    }

    public String name() {
        return info.name();
    }

    /**
     * Whether the request reads one object by its URL ({@code get}). A list or watch may carry a {@link #name}
     * too: the one its field selector requires ({@code metadata.name=x}), which it is authorized for; it still
     * answers a list.
     */
    public boolean getsOne() {
        return "get".equals(info.verb()) && info.name() != null;
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

    /**
     * {@code dryRun=All} (the only value kube-apiserver supports); any other value is kube's 422 on the request's
     * options ({@code ValidateDryRun}): {@code CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value:
     * []string{"x"}: supported values: "All"} (UpdateOptions on a PUT, PatchOptions on a PATCH, DeleteOptions on a
     * DELETE).
     */
    public boolean dryRun() {
        String[] values = request.getParameterValues("dryRun");
        if (values == null) {
            return false;
        }
        for (String v : values) {
            if (!"All".equals(v)) {
                String kind = switch (request.getMethod()) {
                    case "PUT" -> "UpdateOptions";
                    case "PATCH" -> "PatchOptions";
                    case "DELETE" -> "DeleteOptions";
                    default -> "CreateOptions";
                };
                throw StatusError.invalid(kind, "meta.k8s.io", "", List.of(FieldError.notSupported("dryRun",
                        new GoValues.Printed(GoValues.stringSlice(List.of(values))), List.of("All"))));
            }
        }
        return true;
    }

    /** Adds a {@code Warning: 299 - "..."} header at once, within kube's bounds ({@link WarningHeaders}). */
    public void warn(String warning) {
        warnings.add(warning);
    }

    /**
     * Admission's recorder for this request: warnings become {@code Warning} headers ({@link #warn}); audit
     * annotations go to the request's audit event and are kept here too ({@link #auditAnnotations}).
     */
    public AdmissionRecorder recorder() {
        return new AdmissionRecorder() {
            @Override
            public void warn(String warning) {
                RequestScope.this.warn(warning);
            }

            @Override
            public void annotate(String key, String value) {
                synchronized (auditAnnotations) {
                    auditAnnotations.putIfAbsent(key, value);
                }
                AuditContext.of(request).annotate(key, value);
            }
        };
    }

    /** The audit annotations admission left on this request, in the order they came. */
    public Map<String, String> auditAnnotations() {
        synchronized (auditAnnotations) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(auditAnnotations));
        }
    }

    /**
     * kube's {@code withAuthorization} on the create path of a PATCH (server-side apply of a missing object):
     * the request was authorized as {@code patch}; creating needs {@code create} on the same resource and name,
     * else 403 in kube's words (500 when an authorizer failed and none allowed).
     */
    public void authorizeCreate() {
        if (authorizer == null) {
            throw StatusError.internal("no authorizer provided, unable to authorize a create on update");
        }
        AuthorizationAttributes create = AuthorizationAttributes.of(user, info).withVerb("create");
        Decision d = authorizer.authorize(create);
        if (!d.allowed() && d.error() != null) { // an authorizer failed and none allowed: kube's 500
            throw StatusError.internal(d.error());
        }
        if (!d.allowed()) {
            throw StatusError.forbidden(definition.groupResource(), info.name(),
                    ForbiddenMessages.reason(create, d.reason()));
        }
    }

    /** The pipeline every write of this request goes through. */
    public WritePipeline writes() {
        return writes;
    }

    /**
     * This request's write: its store, namespace, subresource and user, and the managedFields manager when no
     * {@code fieldManager} is given: the User-Agent's product name (kube's {@code prefixFromUserAgent}).
     */
    public WriteScope<HasMetadata> writeScope() {
        return new WriteScope<>(store, namespace(), info.subresource(), user,
                FieldManagerNames.fromUserAgent(request.getHeader("User-Agent")), recorder());
    }

    /**
     * The CreateOptions of the query: {@code dryRun} (as read by {@link #dryRun()}), {@code fieldManager} and
     * {@code fieldValidation} as sent (decoding checks the latter before admission sees it).
     */
    public CreateOptions createOptions(boolean dryRun) {
        FieldManagerNames.check(param("fieldManager"), "CreateOptions");
        return OperationOptions.create(dryRun, param("fieldManager"), param("fieldValidation"));
    }

    /** The UpdateOptions of a PUT's query, or of a PATCH's (its PatchOptions, converted as kube does). */
    public UpdateOptions updateOptions(boolean dryRun) {
        FieldManagerNames.check(param("fieldManager"),
                "PATCH".equals(request.getMethod()) ? "PatchOptions" : "UpdateOptions");
        return OperationOptions.update(dryRun, param("fieldManager"), param("fieldValidation"));
    }
}
