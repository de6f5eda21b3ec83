package dev.kapi.apiserver.admission.plugin.limitranger;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.admission.MutatingAdmission;
import dev.kapi.apiserver.admission.ValidatingAdmission;
import dev.kapi.apiserver.admission.plugin.AdmissionForbidden;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LimitRangeItem;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * kube's LimitRanger: the LimitRanges of the namespace shape pods and claims.
 *
 * <ul>
 * <li>Mutating, pods created: each container and init container gets the {@code Container} items'
 *     {@code defaultRequest} as requests and {@code default} as limits for the resources it does not set, and
 *     the pod is annotated {@code kubernetes.io/limit-ranger: LimitRanger plugin set: cpu, memory request for
 *     container app; ...}.</li>
 * <li>Validating, pods created and claims created or updated: min, max and maxLimitRequestRatio of the
 *     {@code Container}, {@code Pod} and {@code PersistentVolumeClaim} items, refused with 403 in kube's words
 *     ({@code pods "x" is forbidden: minimum cpu usage per Container is 100m, but request is 50m}; several
 *     complaints of one LimitRange as {@code [a, b]}).</li>
 * </ul>
 * Pod updates (containers cannot change), subresources, and objects being deleted are left alone.
 */
public final class LimitRanger implements MutatingAdmission, ValidatingAdmission {

    public static final String NAME = "LimitRanger";
    static final String ANNOTATION = "kubernetes.io/limit-ranger";

    /** The LimitRanges of a namespace (a recent view may be used; the objects must not be changed). */
    @FunctionalInterface
    public interface LimitRanges {
        List<LimitRange> list(String namespace);
    }

    private final LimitRanges limitRanges;

    public LimitRanger(LimitRanges limitRanges) {
        this.limitRanges = limitRanges;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public HasMetadata admit(AdmissionAttributes a) {
        if (!supports(a) || !(a.object() instanceof Pod pod)) {
            return a.object();
        }
        for (LimitRange lr : limitRanges.list(a.namespace())) {
            applyDefaults(lr, pod);
        }
        return pod;
    }

    @Override
    public void validate(AdmissionAttributes a) {
        if (!supports(a)) {
            return;
        }
        for (LimitRange lr : limitRanges.list(a.namespace())) {
            List<String> errors = new ArrayList<>();
            for (LimitRangeItem item : items(lr)) {
                check(item, a.object(), errors);
            }
            if (!errors.isEmpty()) {
                throw AdmissionForbidden.of(a, aggregate(errors));
            }
        }
    }

    /** Creates of pods, creates and updates of claims; not subresources nor objects being deleted. */
    private static boolean supports(AdmissionAttributes a) {
        if (!a.mainResource() || !a.group().isEmpty() || a.object() == null) {
            return false;
        }
        if (a.oldObject() != null && a.oldObject().getMetadata() != null
                && a.oldObject().getMetadata().getDeletionTimestamp() != null) {
            return false;
        }
        String resource = a.resource().resource();
        return resource.equals("pods") && a.operation() == Operation.CREATE
                || resource.equals("persistentvolumeclaims")
                && (a.operation() == Operation.CREATE || a.operation() == Operation.UPDATE);
    }

    private static void check(LimitRangeItem item, HasMetadata obj, List<String> errors) {
        if (obj instanceof Pod pod && pod.getSpec() != null) {
            if ("Container".equals(item.getType())) {
                nn(pod.getSpec().getContainers()).forEach(c -> Constraints.container(item, c, errors));
                nn(pod.getSpec().getInitContainers()).forEach(c -> Constraints.container(item, c, errors));
            } else if ("Pod".equals(item.getType())) {
                Constraints.pod(item, pod.getSpec(), errors);
            }
        } else if (obj instanceof PersistentVolumeClaim pvc && "PersistentVolumeClaim".equals(item.getType())) {
            var resources = pvc.getSpec() == null ? null : pvc.getSpec().getResources();
            Constraints.claim(item, resources == null ? null : resources.getRequests(), errors);
        }
    }

    /** Go's aggregate error: one message as it is, several (repeats dropped) as {@code [a, b]}. */
    private static String aggregate(List<String> errors) {
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(errors));
        return distinct.size() == 1 ? distinct.get(0) : "[" + String.join(", ", distinct) + "]";
    }

    /** kube's {@code PodMutateLimitFunc}: the item defaults into every container, noted in the annotation. */
    private static void applyDefaults(LimitRange lr, Pod pod) {
        Map<String, Quantity> defaultRequests = new LinkedHashMap<>();
        Map<String, Quantity> defaultLimits = new LinkedHashMap<>();
        for (LimitRangeItem item : items(lr)) {
            if ("Container".equals(item.getType())) {
                copy(item.getDefaultRequest(), defaultRequests);
                copy(item.getDefault(), defaultLimits);
            }
        }
        PodSpec spec = pod.getSpec();
        if (spec == null) {
            return;
        }
        List<String> notes = new ArrayList<>();
        nn(spec.getContainers()).forEach(c -> merge(c, defaultRequests, defaultLimits, "container", notes));
        nn(spec.getInitContainers()).forEach(c -> merge(c, defaultRequests, defaultLimits, "init container", notes));
        if (!notes.isEmpty()) {
            if (pod.getMetadata() == null) {
                pod.setMetadata(new ObjectMeta());
            }
            Map<String, String> annotations = pod.getMetadata().getAnnotations() == null ? new LinkedHashMap<>()
                    : new LinkedHashMap<>(pod.getMetadata().getAnnotations());
            annotations.put(ANNOTATION, "LimitRanger plugin set: " + String.join("; ", notes));
            pod.getMetadata().setAnnotations(annotations);
        }
    }

    private static void merge(Container c, Map<String, Quantity> requests, Map<String, Quantity> limits,
                              String what, List<String> notes) {
        if (c.getResources() == null) {
            c.setResources(new ResourceRequirements());
        }
        ResourceRequirements r = c.getResources();
        TreeSet<String> setLimits = new TreeSet<>();
        TreeSet<String> setRequests = new TreeSet<>();
        r.setLimits(fill(r.getLimits(), limits, setLimits));
        r.setRequests(fill(r.getRequests(), requests, setRequests));
        if (!setRequests.isEmpty()) {
            notes.add(String.join(", ", setRequests) + " request for " + what + " " + c.getName());
        }
        if (!setLimits.isEmpty()) {
            notes.add(String.join(", ", setLimits) + " limit for " + what + " " + c.getName());
        }
    }

    /** The container's values with the defaults it lacks (null when it has none and gets none). */
    private static Map<String, Quantity> fill(Map<String, Quantity> own, Map<String, Quantity> defaults,
                                              TreeSet<String> set) {
        Map<String, Quantity> out = own == null ? new LinkedHashMap<>() : new LinkedHashMap<>(own);
        defaults.forEach((name, q) -> {
            if (!out.containsKey(name)) {
                out.put(name, new Quantity(q.getAmount(), q.getFormat()));
                set.add(name);
            }
        });
        return out.isEmpty() && own == null ? null : out;
    }

    private static void copy(Map<String, Quantity> from, Map<String, Quantity> into) {
        if (from != null) {
            into.putAll(from);
        }
    }

    private static List<LimitRangeItem> items(LimitRange lr) {
        return lr.getSpec() == null || lr.getSpec().getLimits() == null ? List.of() : lr.getSpec().getLimits();
    }

    private static <T> List<T> nn(List<T> list) {
        return list == null ? List.of() : list;
    }
}
