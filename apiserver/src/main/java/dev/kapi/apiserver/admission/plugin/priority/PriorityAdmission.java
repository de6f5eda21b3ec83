package dev.kapi.apiserver.admission.plugin.priority;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.admission.MutatingAdmission;
import dev.kapi.apiserver.admission.ValidatingAdmission;
import dev.kapi.apiserver.admission.plugin.AdmissionForbidden;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * kube's Priority admission. A pod created gets {@code spec.priority} and {@code spec.preemptionPolicy} from its
 * {@code priorityClassName} (403 {@code no PriorityClass with name x was found} for an unknown one), or, without
 * one, from the global default class (its name too; of several defaults the lowest value), else 0 and
 * PreemptLowerPriority. A pod that sets a priority or preemption policy other than the class's is refused
 * (403). A pod update keeps the stored priority and preemption policy when the new object leaves them out.
 * A PriorityClass created or updated as global default is refused while another class is the default.
 * Subresources are left alone. {@code system-node-critical} and {@code system-cluster-critical} are
 * PriorityClass objects the server creates at startup, as kube-apiserver does.
 */
public final class PriorityAdmission implements MutatingAdmission, ValidatingAdmission {

    public static final String NAME = "Priority";
    static final String PREEMPT_LOWER_PRIORITY = "PreemptLowerPriority";

    /** The PriorityClasses (a recent view may be used; the objects must not be changed). */
    public interface PriorityClasses {
        /** The class of that name, null when there is none (a class missing from a view is read anew). */
        PriorityClass get(String name);

        List<PriorityClass> list();
    }

    private final PriorityClasses classes;

    public PriorityAdmission(PriorityClasses classes) {
        this.classes = classes;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public HasMetadata admit(AdmissionAttributes a) {
        if (!a.mainResource() || !a.group().isEmpty() || !a.resource().resource().equals("pods")
                || !(a.object() instanceof Pod pod)) {
            return a.object();
        }
        if (pod.getSpec() == null) {
            pod.setSpec(new PodSpec());
        }
        PodSpec spec = pod.getSpec();
        if (a.operation() == Operation.UPDATE && a.oldObject() instanceof Pod old && old.getSpec() != null) {
            if (spec.getPriority() == null) {
                spec.setPriority(old.getSpec().getPriority());
            }
            if (spec.getPreemptionPolicy() == null) {
                spec.setPreemptionPolicy(old.getSpec().getPreemptionPolicy());
            }
        } else if (a.operation() == Operation.CREATE) {
            resolve(a, spec);
        }
        return pod;
    }

    private void resolve(AdmissionAttributes a, PodSpec spec) {
        int priority = 0;
        String policy = PREEMPT_LOWER_PRIORITY;
        String className = spec.getPriorityClassName();
        if (className == null || className.isEmpty()) {
            PriorityClass def = globalDefault();
            if (def != null) {
                spec.setPriorityClassName(def.getMetadata().getName());
                priority = value(def);
                policy = def.getPreemptionPolicy();
            }
        } else {
            PriorityClass pc = classes.get(className);
            if (pc == null) {
                throw AdmissionForbidden.of(a, "no PriorityClass with name " + className + " was found");
            }
            priority = value(pc);
            policy = pc.getPreemptionPolicy();
        }
        if (spec.getPriority() != null && spec.getPriority() != priority) {
            throw AdmissionForbidden.of(a, "the integer value of priority (" + spec.getPriority() + ") must not be"
                    + " provided in pod spec; priority admission controller computed " + priority
                    + " from the given PriorityClass name");
        }
        spec.setPriority(priority);
        if (policy != null) {
            if (spec.getPreemptionPolicy() != null && !spec.getPreemptionPolicy().equals(policy)) {
                throw AdmissionForbidden.of(a, "the string value of PreemptionPolicy (" + spec.getPreemptionPolicy()
                        + ") must not be provided in pod spec; priority admission controller computed " + policy
                        + " from the given PriorityClass name");
            }
            spec.setPreemptionPolicy(policy);
        }
    }

    @Override
    public void validate(AdmissionAttributes a) {
        if (!a.mainResource() || !a.group().equals("scheduling.k8s.io")
                || !a.resource().resource().equals("priorityclasses")
                || (a.operation() != Operation.CREATE && a.operation() != Operation.UPDATE)
                || !(a.object() instanceof PriorityClass pc) || !Boolean.TRUE.equals(pc.getGlobalDefault())) {
            return;
        }
        PriorityClass def = globalDefault();
        if (def != null && (a.operation() == Operation.CREATE
                || !Objects.equals(def.getMetadata().getName(), pc.getMetadata().getName()))) {
            throw AdmissionForbidden.of(a, "PriorityClass " + def.getMetadata().getName()
                    + " is already marked as default. Only one default can exist");
        }
    }

    /** kube picks the lowest value when a race left several global defaults. */
    private PriorityClass globalDefault() {
        return classes.list().stream().filter(pc -> Boolean.TRUE.equals(pc.getGlobalDefault()))
                .min(Comparator.comparingInt(PriorityAdmission::value)).orElse(null);
    }

    private static int value(PriorityClass pc) {
        return pc.getValue() == null ? 0 : pc.getValue();
    }
}
