package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.registry.Store;
import dev.kapi.apiserver.registry.StoreRegistry;
import dev.kapi.apiserver.registry.rest.OperationOptions;
import dev.kapi.apiserver.registry.rest.WriteScope;
import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.CreateOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Status;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * POST {@code bindings} and {@code pods/<name>/binding} (kube's {@code BindingREST}, what a scheduler calls):
 * the CREATE of a v1 Binding, admitted as such, which assigns the pod named by the binding to the target node
 * in one compare-and-swap: spec.nodeName, the binding's annotations, and the PodScheduled condition True. A pod
 * already on a node, being deleted, with scheduling gates, or whose uid is not the binding's answers kube's 409
 * on {@code pods/binding}. Answers 201 with a Success Status.
 */
public final class BindingHandler implements VerbHandler {

    private static final GroupResource BINDING = new GroupResource("", "pods/binding");

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

    @SuppressWarnings("unchecked")
    private void assign(RequestScope scope, Binding binding, boolean dryRun) {
        Store<HasMetadata> pods = (Store<HasMetadata>) (Store<?>) stores.find("", "v1", "pods", Pod.class)
                .orElseThrow(() -> StatusError.internal("pods are not served"));
        String name = binding.getMetadata().getName();
        String node = binding.getTarget().getName();
        String uid = binding.getMetadata().getUid();
        Map<String, String> annotations = binding.getMetadata().getAnnotations();
        scope.writes().updateAdmittedWith(WriteScope.of(pods, scope.namespace(), scope.user()).subresource("binding"),
                name, current -> {
                    Pod pod = (Pod) current;
                    if (uid != null && !uid.isEmpty() && !uid.equals(pod.getMetadata().getUid())) {
                        throw StatusError.conflict(new GroupResource("", "pods"), name, "Precondition failed: UID in "
                                + "precondition: " + uid + ", UID in object meta: " + pod.getMetadata().getUid());
                    }
                    String why = refusal(pod);
                    if (why != null) {
                        throw StatusError.conflict(BINDING, name, why);
                    }
                    pod.getSpec().setNodeName(node);
                    if (annotations != null && !annotations.isEmpty()) {
                        Map<String, String> merged = new HashMap<>(pod.getMetadata().getAnnotations() == null
                                ? Map.of() : pod.getMetadata().getAnnotations());
                        merged.putAll(annotations);
                        pod.getMetadata().setAnnotations(merged);
                    }
                    scheduled(pod);
                    return pod;
                }, OperationOptions.update(dryRun, null, null));
    }

    private static String refusal(Pod pod) {
        String name = pod.getMetadata().getName();
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            return "pod " + name + " is being deleted, cannot be assigned to a host";
        }
        String node = pod.getSpec().getNodeName();
        if (node != null && !node.isEmpty()) {
            return "pod " + name + " is already assigned to node \"" + node + "\"";
        }
        if (pod.getSpec().getSchedulingGates() != null && !pod.getSpec().getSchedulingGates().isEmpty()) {
            return "pod " + name + " has non-empty .spec.schedulingGates";
        }
        return null;
    }

    /** kube's {@code UpdatePodCondition} with PodScheduled True. */
    private static void scheduled(Pod pod) {
        if (pod.getStatus() == null) {
            pod.setStatus(new PodStatus());
        }
        List<PodCondition> conditions = new ArrayList<>(pod.getStatus().getConditions() == null ? List.of()
                : pod.getStatus().getConditions());
        PodCondition previous = conditions.stream().filter(c -> "PodScheduled".equals(c.getType())).findFirst()
                .orElse(null);
        PodCondition c = new PodCondition();
        c.setType("PodScheduled");
        c.setStatus("True");
        c.setLastTransitionTime(previous != null && "True".equals(previous.getStatus())
                ? previous.getLastTransitionTime() : Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        if (previous == null) {
            conditions.add(c);
        } else {
            conditions.set(conditions.indexOf(previous), c);
        }
        pod.getStatus().setConditions(conditions);
    }
}
