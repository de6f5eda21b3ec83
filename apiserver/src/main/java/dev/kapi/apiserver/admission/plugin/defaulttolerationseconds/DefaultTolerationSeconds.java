package dev.kapi.apiserver.admission.plugin.defaulttolerationseconds;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.admission.MutatingAdmission;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Toleration;

import java.util.ArrayList;
import java.util.List;

/**
 * kube's DefaultTolerationSeconds: a pod (create or update of the pod itself) that does not tolerate the
 * {@code node.kubernetes.io/not-ready} or {@code node.kubernetes.io/unreachable} NoExecute taint gets a
 * toleration of it for {@code --default-not-ready-toleration-seconds} /
 * {@code --default-unreachable-toleration-seconds} (300 by default). A toleration with an empty key or an
 * empty effect counts as tolerating it already.
 */
public final class DefaultTolerationSeconds implements MutatingAdmission {

    public static final String NAME = "DefaultTolerationSeconds";
    public static final long DEFAULT_SECONDS = 300;
    static final String NOT_READY = "node.kubernetes.io/not-ready";
    static final String UNREACHABLE = "node.kubernetes.io/unreachable";
    private static final String NO_EXECUTE = "NoExecute";

    private final long notReadySeconds;
    private final long unreachableSeconds;

    public DefaultTolerationSeconds(long notReadySeconds, long unreachableSeconds) {
        this.notReadySeconds = notReadySeconds;
        this.unreachableSeconds = unreachableSeconds;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public HasMetadata admit(AdmissionAttributes a) {
        if ((a.operation() != Operation.CREATE && a.operation() != Operation.UPDATE) || !a.group().isEmpty()
                || !a.resource().resource().equals("pods") || !a.mainResource() || !(a.object() instanceof Pod pod)) {
            return a.object();
        }
        if (pod.getSpec() == null) {
            pod.setSpec(new PodSpec());
        }
        List<Toleration> tolerations = pod.getSpec().getTolerations() == null ? List.of()
                : pod.getSpec().getTolerations();
        List<Toleration> added = new ArrayList<>(tolerations);
        if (!tolerates(tolerations, NOT_READY)) {
            added.add(toleration(NOT_READY, notReadySeconds));
        }
        if (!tolerates(tolerations, UNREACHABLE)) {
            added.add(toleration(UNREACHABLE, unreachableSeconds));
        }
        if (added.size() != tolerations.size()) {
            pod.getSpec().setTolerations(added);
        }
        return pod;
    }

    private static boolean tolerates(List<Toleration> tolerations, String key) {
        return tolerations.stream().anyMatch(t -> (empty(t.getKey()) || key.equals(t.getKey()))
                && (empty(t.getEffect()) || NO_EXECUTE.equals(t.getEffect())));
    }

    private static Toleration toleration(String key, long seconds) {
        Toleration t = new Toleration();
        t.setKey(key);
        t.setOperator("Exists");
        t.setEffect(NO_EXECUTE);
        t.setTolerationSeconds(seconds);
        return t;
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }
}
