package dev.kapi.apiserver.controllers;

import dev.kapi.apiserver.admission.plugin.policy.validating.TypeChecker;
import dev.kapi.apiserver.api.GroupVersionKind;
import dev.kapi.apiserver.api.GroupVersionResource;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.api.schema.Schema;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.ResourceRegistry;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.informer.EventHandler;
import dev.kapi.apiserver.registry.informer.Informer;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.SystemUsers;
import dev.kapi.apiserver.registry.rest.WritePipeline;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ExpressionWarning;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.TypeChecking;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * kube-controller-manager's ValidatingAdmissionPolicy status controller: a policy whose generation is newer than
 * its {@code status.observedGeneration} is type checked ({@link TypeChecker}, against the schemas of the kinds its
 * rules name and of its paramKind) and gets {@code status.observedGeneration} and
 * {@code status.typeChecking.expressionWarnings}. kube sets no conditions. It writes the status subresource as
 * {@code system:apiserver}; a policy changed meanwhile is checked again.
 */
final class ValidatingAdmissionPolicyStatusController extends Controller {

    private static final Logger LOG = LoggerFactory.getLogger(ValidatingAdmissionPolicyStatusController.class);

    private final Informer<ValidatingAdmissionPolicy> policies;
    private final WriteScope<ValidatingAdmissionPolicy> scope;
    private final WritePipeline writes;
    private final TypeChecker checker;

    ValidatingAdmissionPolicyStatusController(Informer<ValidatingAdmissionPolicy> policies,
                                              Store<ValidatingAdmissionPolicy> store, ResourceRegistry resources,
                                              WritePipeline writes) {
        super("validatingadmissionpolicy-status-controller", 1, new WorkQueue(Duration.ofMillis(100), Duration.ofSeconds(10)),
                List.of(policies));
        this.policies = policies;
        this.scope = WriteScope.of(store, null, SystemUsers.API_SERVER).subresource("status");
        this.writes = writes;
        this.checker = new TypeChecker(schemas(resources));
        policies.addHandler(new EventHandler<>() {
            @Override
            public void onAdd(ValidatingAdmissionPolicy p) {
                queue.add(p.getMetadata().getName());
            }

            @Override
            public void onUpdate(ValidatingAdmissionPolicy old, ValidatingAdmissionPolicy p) {
                queue.add(p.getMetadata().getName());
            }
        });
    }

    /** The served resources' kinds and schemas (built-in types' and CRDs'). */
    static TypeChecker.Schemas schemas(ResourceRegistry resources) {
        return new TypeChecker.Schemas() {
            @Override
            public List<GroupVersionKind> kindsFor(GroupVersionResource r) {
                return resources.find(r.group(), r.version(), r.resource())
                        .map(d -> List.of(d.groupVersionKind())).orElse(List.of());
            }

            @Override
            public Optional<Schema> schema(GroupVersionKind kind) {
                return resources.all().stream().filter(d -> d.groupVersionKind().equals(kind)).findFirst()
                        .map(ResourceDefinition::schema);
            }
        };
    }

    @Override
    protected boolean reconcile(String name) {
        ValidatingAdmissionPolicy policy = policies.cache().get(null, name);
        if (policy == null || policy.getSpec() == null) {
            return true;
        }
        long generation = policy.getMetadata().getGeneration() == null ? 0 : policy.getMetadata().getGeneration();
        Long observed = policy.getStatus() == null ? null : policy.getStatus().getObservedGeneration();
        if (observed != null && generation <= observed) {
            return true;
        }
        List<ExpressionWarning> warnings = checker.check(policy);
        String uid = policy.getMetadata().getUid();
        try {
            writes.update(scope, name, current -> {
                if (!Objects.equals(current.getMetadata().getUid(), uid)
                        || !Objects.equals(current.getMetadata().getGeneration(), policy.getMetadata().getGeneration())) {
                    throw StatusError.conflict(scope.store().definition().groupResource(), name,
                            "the policy changed while it was type checked");
                }
                ValidatingAdmissionPolicyStatus status = current.getStatus() == null
                        ? new ValidatingAdmissionPolicyStatus() : current.getStatus();
                status.setObservedGeneration(generation);
                TypeChecking typeChecking = new TypeChecking();
                typeChecking.setExpressionWarnings(warnings);
                status.setTypeChecking(typeChecking);
                current.setStatus(status);
                return current;
            }, OperationOptions.update());
            return true;
        } catch (StatusError e) {
            if (e.code() == 404) {
                return true;
            }
            if (e.code() != 409 && !stopping()) {
                LOG.warn("validatingadmissionpolicy {}: {}", name, e.getMessage());
            }
            return false;
        }
    }
}
