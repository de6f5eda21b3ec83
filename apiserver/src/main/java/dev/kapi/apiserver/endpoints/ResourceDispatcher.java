package dev.kapi.apiserver.endpoints;

import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.authz.AuthorizedRequest;
import dev.kapi.apiserver.authz.Authorizer;
import dev.kapi.apiserver.endpoints.handlers.BindingHandler;
import dev.kapi.apiserver.endpoints.handlers.ConnectHandler;
import dev.kapi.apiserver.endpoints.handlers.CreateHandler;
import dev.kapi.apiserver.endpoints.handlers.DeleteCollectionHandler;
import dev.kapi.apiserver.endpoints.handlers.DeleteHandler;
import dev.kapi.apiserver.endpoints.handlers.EvictionHandler;
import dev.kapi.apiserver.endpoints.handlers.GetHandler;
import dev.kapi.apiserver.endpoints.handlers.ListHandler;
import dev.kapi.apiserver.endpoints.handlers.PatchHandler;
import dev.kapi.apiserver.endpoints.handlers.RequestScope;
import dev.kapi.apiserver.endpoints.handlers.ScaleHandler;
import dev.kapi.apiserver.endpoints.handlers.UpdateHandler;
import dev.kapi.apiserver.endpoints.handlers.VerbHandler;
import dev.kapi.apiserver.endpoints.handlers.WatchHandler;
import dev.kapi.apiserver.filters.RequestInfo;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.StatusDetails;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * Routes a resource request to its verb handler: finds the resource, checks the path's scope and
 * subresource, and picks the handler for the verb (one class per verb, as kube-apiserver's
 * {@code endpoints/handlers}). Resources that store nothing (the review APIs, componentstatuses, bindings) are
 * handed to their own handler for every verb they serve.
 */
public final class ResourceDispatcher {

    private static final Set<String> ALL_NAMESPACE_VERBS = Set.of("list", "watch");
    /** Verbs that need an object name: a collection path has no route for their HTTP method. */
    private static final Set<String> COLLECTION_LESS_VERBS = Set.of("update", "patch");
    private static final Set<String> OBJECT_SUBRESOURCE_VERBS = Set.of("get", "update", "patch");

    private final StoreRegistry stores;
    private final WritePipeline writes;
    private final Map<String, VerbHandler> verbs;
    private final VerbHandler scale = new ScaleHandler();
    private final VerbHandler eviction;
    private final VerbHandler binding;
    private final VerbHandler connect;
    private final Map<GroupResource, VerbHandler> ownCreates;
    private final VerbHandler tokenRequests;
    private final Authorizer authorizer;

    /** A dispatcher without an authorizer: an apply that would create answers 500 (tests of other verbs). */
    public ResourceDispatcher(StoreRegistry stores, WritePipeline writes) {
        this(stores, writes, Map.of(), null, null);
    }

    /**
     * @param writes        the write pipeline every write goes through
     * @param ownCreates    the handler of each resource not served by its store (reviews, componentstatuses,
     *                      bindings), for every verb the resource serves
     * @param tokenRequests the handler of {@code serviceaccounts/<name>/token} (null: not served)
     * @param authorizer    the server's authorizer, asked {@code create} when a PATCH (apply) creates
     */
    public ResourceDispatcher(StoreRegistry stores, WritePipeline writes,
                              Map<GroupResource, VerbHandler> ownCreates, VerbHandler tokenRequests,
                              Authorizer authorizer) {
        this.authorizer = authorizer;
        this.stores = stores;
        this.ownCreates = Map.copyOf(ownCreates);
        this.tokenRequests = tokenRequests;
        this.writes = writes;
        this.verbs = Map.of(
                "get", new GetHandler(),
                "list", new ListHandler(),
                "watch", new WatchHandler(),
                "create", new CreateHandler(),
                "update", new UpdateHandler(),
                "patch", new PatchHandler(),
                "delete", new DeleteHandler(),
                "deletecollection", new DeleteCollectionHandler());
        this.eviction = new EvictionHandler(stores);
        this.binding = new BindingHandler(stores);
        this.connect = new ConnectHandler(stores);
    }

    /** Serves the resource request that authorization allowed, as its user, on exactly its request info. */
    public void dispatch(AuthorizedRequest authorized, HttpServletRequest req, HttpServletResponse res)
            throws IOException {
        RequestInfo info = authorized.info();
        // the definition and its store come from one registry snapshot: a resource is served whole or not at all
        StoreRegistry.Served<HasMetadata> served = stores.lookup(info.apiGroup(), info.apiVersion(), info.resource())
                .orElseThrow(StatusError::notFoundPath);
        ResourceDefinition<HasMetadata> def = served.definition();
        String verb = info.verb();
        // only a proxy subresource takes a path after its name (nodes/<name>/proxy/<path>)
        if ((info.extraSegments() && !"proxy".equals(info.subresource())) || (!def.namespaced() && info.namespace() != null && !info.isNamespaceObject())) {
            throw StatusError.notFoundPath();
        }
        if (def.namespaced() && info.namespace() == null && !ALL_NAMESPACE_VERBS.contains(verb)) {
            // kube serves only list and watch on the all-namespaces path: other methods have no route, and a
            // resource that cannot be listed or watched (the local access review) has no such path at all.
            if (info.name() != null || !(def.serves("list") || def.serves("watch"))) {
                throw StatusError.notFoundPath();
            }
            throw methodNotAllowed();
        }
        if (info.name() == null && info.subresource() == null && COLLECTION_LESS_VERBS.contains(verb)) {
            throw methodNotAllowed();
        }
        if (info.name() != null && info.subresource() == null && verb.equals("create")) {
            // kube has no POST route on an object's own URL; serving it would create whatever the body names,
            // under an authorization decided for the URL's name (RBAC resourceNames)
            throw methodNotAllowed();
        }
        RequestScope scope = new RequestScope(info, def, served.store(), writes, authorized.user(), req, res,
                authorizer);
        if (def.deprecationWarning() != null) {
            scope.warn(def.deprecationWarning());
        }
        handlerFor(def, info, verb).handle(scope);
    }

    /** The connect handler, for the HTTP methods kube routes to the subresource (others have no route: 405). */
    private VerbHandler connectOnly(ResourceDefinition<HasMetadata> def, String verb, Set<String> served) {
        if (!served.contains(verb)) {
            throw methodNotAllowed();
        }
        return connect;
    }

    /** kube's answer (go-restful's 405) when the path exists but not for this HTTP method. */
    private static StatusError methodNotAllowed() {
        return new StatusError(StatusError.status(405, "MethodNotAllowed",
                "the server does not allow this method on the requested resource", new StatusDetails()));
    }

    private VerbHandler handlerFor(ResourceDefinition<HasMetadata> def, RequestInfo info, String verb) {
        String sub = info.subresource();
        if (sub == null && !def.serves(verb)) {
            throw StatusError.methodNotSupported(def.groupResource(), verb);
        }
        if (sub == null) {
            VerbHandler h = ownCreates.containsKey(def.groupResource())
                    ? ownCreates.get(def.groupResource()) : verbs.get(verb);
            if (h == null) {
                throw StatusError.methodNotSupported(def.groupResource(), verb);
            }
            return h;
        }
        if (!def.hasSubresource(sub)) {
            throw StatusError.notFoundPath();
        }
        return switch (sub) {
            case "status", "approval", "ephemeralcontainers" -> {
                if (!OBJECT_SUBRESOURCE_VERBS.contains(verb)) {
                    throw StatusError.methodNotSupported(def.groupResource(), verb);
                }
                yield verbs.get(verb);
            }
            case "finalize" -> {
                if (!verb.equals("update")) {
                    throw StatusError.methodNotSupported(def.groupResource(), verb);
                }
                yield verbs.get(verb);
            }
            case "scale" -> scale;
            case "eviction" -> {
                if (!verb.equals("create")) {
                    throw StatusError.methodNotSupported(def.groupResource(), verb);
                }
                yield eviction;
            }
            case "binding" -> {
                if (!verb.equals("create")) {
                    throw StatusError.methodNotSupported(def.groupResource(), verb);
                }
                yield binding;
            }
            case "log" -> connectOnly(def, verb, Set.of("get"));
            case "exec", "attach", "portforward" -> connectOnly(def, verb, Set.of("get", "create"));
            case "proxy" -> connectOnly(def, verb, Set.of("get", "create", "update", "patch", "delete"));
            case "token" -> {
                if (!verb.equals("create")) {
                    throw StatusError.methodNotSupported(def.groupResource(), verb);
                }
                if (tokenRequests == null) {
                    throw StatusError.notFoundPath();
                }
                yield tokenRequests;
            }
            default -> throw StatusError.notFoundPath();
        };
    }
}
