package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.core.PodBindings;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.CreateOptions;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * POST {@code bindings} and {@code pods/<name>/binding} (kube's {@code BindingREST}, what a scheduler calls):
 * the CREATE of a v1 Binding, admitted as such, which assigns the pod named by the binding to the target node
 * in one compare-and-swap: spec.nodeName, the binding's annotations, and the PodScheduled condition True. A pod
 * already on a node, being deleted, with scheduling gates, or whose uid is not the binding's answers kube's 409
 * on {@code pods/binding}. Answers 201 with a Success Status.
 */
public final class BindingHandler implements VerbHandler {

    private final StoreRegistry stores;

    public BindingHandler(StoreRegistry stores) {
        this.stores = stores;
    }

    @Override
    public void handle(RequestScope scope) throws IOException {
        Binding binding = ObjectDecoder.readObject(scope, Binding.class, "v1", "Binding");
        scope.checkObjectNamespace(binding);
        String bodyName = binding.getMetadata() == null ? "" : Objects.toString(binding.getMetadata().getName(), "");
        boolean subresource = scope.subresource() != null;
        if (subresource && !bodyName.equals(scope.name())) {
            throw StatusError.badRequest("name in URL does not match name in Binding object");
        }
        List<FieldError> errs = new ArrayList<>();
        if (bodyName.isEmpty()) {
            errs.add(FieldError.required("metadata.name", "name or generateName is required"));
        }
        errs.addAll(validate(binding));
        if (!errs.isEmpty()) {
            throw StatusError.invalid("Binding", "", bodyName, errs);
        }
        CreateOptions options = scope.createOptions(scope.dryRun());
        Status ok = scope.writes().create(scope.writeScope(), bodyName, binding, options, (admitted, validation) -> {
            // kube checks the name after mutating admission: a webhook must not turn it to another pod
            String admittedName = admitted.getMetadata() == null ? "" : admitted.getMetadata().getName();
            if (!bodyName.equals(admittedName)) {
                throw StatusError.badRequest("name in URL does not match name in Binding object");
            }
            validation.accept(admitted);
            assign(scope, admitted, OperationOptions.isDryRun(options.getDryRun()));
            Status s = new Status();
            s.setApiVersion("v1");
            s.setKind("Status");
            s.setMetadata(new io.fabric8.kubernetes.api.model.ListMeta());
            s.setStatus("Success");
            s.setCode(201);
            return s;
        });
        ObjectWriter.writeRaw(scope, 201, ok);
    }

    /** kube's {@code ValidatePodBinding}. */
    static List<FieldError> validate(Binding b) {
        List<FieldError> errs = new ArrayList<>();
        String kind = b.getTarget() == null ? "" : Objects.toString(b.getTarget().getKind(), "");
        if (!kind.isEmpty() && !kind.equals("Node")) {
            errs.add(FieldError.notSupported("target.kind", kind, List.of("Node", "<empty>")));
        }
        if (b.getTarget() == null || b.getTarget().getName() == null || b.getTarget().getName().isEmpty()) {
            errs.add(FieldError.required("target.name", ""));
        }
        return errs;
    }

    private void assign(RequestScope scope, Binding binding, boolean dryRun) {
        Store<Pod> pods = stores.find("", "v1", "pods", Pod.class)
                .orElseThrow(() -> StatusError.internal("pods are not served"));
        PodBindings.assign(scope.writes(), pods, scope.namespace(), scope.user(), binding, dryRun);
    }
}
