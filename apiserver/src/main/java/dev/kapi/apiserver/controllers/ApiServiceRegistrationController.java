package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.ResourceRegistry;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.groups.apiregistration.LocalApiServices;
import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.APIService;
import io.fabric8.kubernetes.api.model.APIServiceCondition;
import io.fabric8.kubernetes.api.model.APIServiceStatus;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.Preconditions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * kube-aggregator's autoregister, CRD registration and availability controllers, for a server that proxies to
 * no extension API server: every group/version the run-time registry serves has its {@code Local} APIService
 * ({@link LocalApiServices}), created when the group/version appears (a new CRD version too) and deleted when
 * it goes; Local APIServices are Available ("Local"); an APIService naming a service is kept as written and
 * reported Available=False ({@value #NOT_PROXIED}), since its requests are not proxied. Writes go through the
 * {@link WritePipeline} as the API server itself, as kube's loopback client does.
 */
final class ApiServiceRegistrationController extends Controller {

    static final String NOT_PROXIED = "ProxyNotSupported";
    static final String NOT_PROXIED_MESSAGE = "this server does not proxy to extension API servers: the APIService "
            + "is stored but its group/version is not served";
    private static final Logger LOG = LoggerFactory.getLogger(ApiServiceRegistrationController.class);

    private final Informer<APIService> apiServices;
    private final ResourceRegistry registry;
    private final WriteScope<APIService> scope;
    private final WritePipeline writes;

    /**
     * {@code crds} is the informer whose handler registers custom resources in {@code registry}: nothing is
     * reconciled before it has synced, or every CRD's APIService would look unwanted after a restart.
     */
    ApiServiceRegistrationController(Informer<APIService> apiServices, Informer<?> crds, Store<APIService> store,
                                     ResourceRegistry registry, WritePipeline writes) {
        super("apiservice-registration", 1, new WorkQueue(Duration.ofMillis(500), Duration.ofSeconds(30)),
                List.of(crds, apiServices));
        this.apiServices = apiServices;
        this.registry = registry;
        this.scope = WriteScope.of(store, null, SystemUsers.API_SERVER);
        this.writes = writes;
        apiServices.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(APIService obj) {
                queue.add(obj.getMetadata().getName());
            }

            @Override
            public void onUpdate(APIService old, APIService obj) {
                queue.add(obj.getMetadata().getName());
            }

            @Override
            public void onDelete(APIService obj) {
                queue.add(obj.getMetadata().getName());
            }
        });
        LocalApiServices.of(registry.snapshot()).keySet().forEach(queue::add);
        registry.addListener((before, after) -> {
            Set<String> names = new HashSet<>(LocalApiServices.of(before).keySet());
            names.addAll(LocalApiServices.of(after).keySet());
            names.forEach(queue::add);
        });
    }

    @Override
    protected boolean reconcile(String name) {
        APIService desired = LocalApiServices.of(registry.snapshot()).get(name);
        APIService existing = apiServices.cache().get(null, name);
        try {
            if (existing == null) {
                if (desired != null) {
                    writes.create(scope, desired, OperationOptions.create());
                    LOG.debug("registered APIService {}", name);
                }
                return true;
            }
            boolean automanaged = existing.getMetadata().getLabels() != null
                    && existing.getMetadata().getLabels().containsKey(LocalApiServices.AUTOMANAGED);
            if (automanaged && desired == null) {
                // only the object read, not one that took its name since
                DeleteOptions options = OperationOptions.delete();
                options.setPreconditions(new Preconditions(existing.getMetadata().getResourceVersion(),
                        existing.getMetadata().getUid()));
                writes.delete(scope, name, options);
                LOG.debug("removed APIService {}: its group/version is no longer served", name);
                return true;
            }
            if (automanaged && (!Json.sameJson(existing.getSpec(), desired.getSpec())
                    || !Objects.equals(existing.getMetadata().getLabels(), desired.getMetadata().getLabels()))) {
                writes.update(scope, name, current -> {
                    current.setSpec(desired.getSpec());
                    current.getMetadata().setLabels(new HashMap<>(desired.getMetadata().getLabels()));
                    return current;
                }, OperationOptions.update());
                return true; // the update's event brings it back for its status
            }
            boolean local = existing.getSpec() == null || existing.getSpec().getService() == null;
            setAvailable(existing, local ? "True" : "False", local ? "Local" : NOT_PROXIED,
                    local ? "Local APIServices are always available" : NOT_PROXIED_MESSAGE);
            return true;
        } catch (StatusError e) {
            if (e.code() == 404 || e.code() == 409) {
                return true; // gone or changed meanwhile: its event queues it again
            }
            if (!stopping()) {
                LOG.warn("could not reconcile APIService {}: {}", name, e.getMessage());
            }
            return false;
        }
    }

    private void setAvailable(APIService existing, String status, String reason, String message) {
        APIServiceCondition current = condition(existing);
        if (current != null && status.equals(current.getStatus()) && reason.equals(current.getReason())
                && message.equals(current.getMessage())) {
            return;
        }
        writes.update(scope.subresource("status"), existing.getMetadata().getName(), obj -> {
            APIServiceCondition was = condition(obj);
            APIServiceCondition c = new APIServiceCondition();
            c.setType("Available");
            c.setStatus(status);
            c.setReason(reason);
            c.setMessage(message);
            c.setLastTransitionTime(was != null && status.equals(was.getStatus()) ? was.getLastTransitionTime()
                    : Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            APIServiceStatus s = new APIServiceStatus();
            s.setConditions(List.of(c));
            obj.setStatus(s);
            return obj;
        }, OperationOptions.update());
    }

    private static APIServiceCondition condition(APIService s) {
        if (s.getStatus() == null || s.getStatus().getConditions() == null) {
            return null;
        }
        return s.getStatus().getConditions().stream().filter(c -> "Available".equals(c.getType())).findFirst()
                .orElse(null);
    }

}
