package dev.kapi.apiserver.admission.plugin.cel;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.api.GroupVersionKind;
import dev.kapi.apiserver.api.GroupVersionResource;
import dev.kapi.apiserver.authz.Authorizer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;

import java.util.HashMap;
import java.util.Map;

/**
 * What admission expressions are evaluated against (kube's versioned attributes, AdmissionRequest and optional
 * bindings): the request's attributes, the resource and kind it is invoked at (the request's own, or the
 * equivalent version a rule matched), and optionally the policy's params, the request's namespace and an
 * authorizer. Immutable; the CEL values of the objects are made once, on first use.
 *
 * <p>Example: {@code CelInput.of(attributes).at(invocation.resource(), invocation.kind()).withAuthorizer(authz)}.
 */
public final class CelInput {

    private final AdmissionAttributes attributes;
    private final GroupVersionResource resource;
    private final GroupVersionKind kind;
    private final Object params;
    private final Namespace namespace;
    private final Authorizer authorizer;
    private Map<String, Object> values;

    private CelInput(AdmissionAttributes attributes, GroupVersionResource resource, GroupVersionKind kind,
                     Object params, Namespace namespace, Authorizer authorizer) {
        this.attributes = attributes;
        this.resource = resource;
        this.kind = kind;
        this.params = params;
        this.namespace = namespace;
        this.authorizer = authorizer;
    }

    /** The request as it came: its own resource and kind, no params, namespace or authorizer. */
    public static CelInput of(AdmissionAttributes attributes) {
        return new CelInput(attributes, attributes.resource(), attributes.kind(), null, null, null);
    }

    /** Invoked at another (equivalent) resource and kind: {@code request.resource} and {@code request.kind}. */
    public CelInput at(GroupVersionResource invokedResource, GroupVersionKind invokedKind) {
        return new CelInput(attributes, invokedResource, invokedKind, params, namespace, authorizer);
    }

    /** {@code params}: the object (its JSON, with {@code apiVersion} and {@code kind} of the policy's paramKind). */
    public CelInput withParams(HasMetadata object, String apiVersion, String paramKind) {
        return new CelInput(attributes, resource, kind, CelValues.typed(object, apiVersion, paramKind), namespace,
                authorizer);
    }

    /** {@code namespaceObject}: the request's namespace (null for cluster-scoped requests). */
    public CelInput withNamespace(Namespace ns) {
        return new CelInput(attributes, resource, kind, params, ns, authorizer);
    }

    /** {@code authorizer} and {@code authorizer.requestResource}: questions asked of {@code authz}. */
    public CelInput withAuthorizer(Authorizer authz) {
        return new CelInput(attributes, resource, kind, params, namespace, authz);
    }

    public AdmissionAttributes attributes() {
        return attributes;
    }

    Authorizer authorizer() {
        return authorizer;
    }

    /** The variables every expression may read (not {@code variables} nor the authorizer). */
    synchronized Map<String, Object> values() {
        if (values == null) {
            Map<String, Object> v = new HashMap<>();
            String apiVersion = kind == null ? null : kind.apiVersion();
            String kindName = kind == null ? null : kind.kind();
            v.put("object", CelValues.typed(attributes.object(), apiVersion, kindName));
            v.put("oldObject", CelValues.typed(attributes.oldObject(), apiVersion, kindName));
            v.put("request", CelValues.request(attributes, resource, kind));
            v.put("namespaceObject", CelValues.namespace(namespace));
            v.put("params", params == null ? CelValues.of((Object) null) : params);
            values = v;
        }
        return values;
    }

    /** {@code authorizer} and {@code authorizer.requestResource} for the request's user. */
    Map<String, Object> authorizerValues() {
        AuthorizerLibrary.AuthorizerValue authz = new AuthorizerLibrary.AuthorizerValue(attributes.user(), authorizer);
        return Map.of("authorizer", authz, "authorizer.requestResource", AuthorizerLibrary.requestResource(authz,
                attributes.resource().group(), attributes.resource().resource(), attributes.subresource(),
                attributes.namespace() == null ? "" : attributes.namespace(),
                attributes.name() == null ? "" : attributes.name()));
    }
}
