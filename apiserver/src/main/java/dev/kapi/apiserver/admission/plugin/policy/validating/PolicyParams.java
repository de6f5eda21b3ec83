package dev.kapi.apiserver.admission.plugin.policy.validating;

import dev.kapi.apiserver.api.selection.LabelSelector;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ParamKind;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ParamRef;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * kube's {@code CollectParams}: the params a binding's {@code paramRef} selects for a request, each evaluated
 * separately. No paramKind or no paramRef: one evaluation without params. A name: that object, or none. A
 * selector: every object it matches, in the paramRef's namespace or else the request's. None found with
 * {@code parameterNotFoundAction: Deny} is an error; with Allow, the policy is not evaluated. Errors carry
 * kube's messages and are configuration errors of the binding.
 */
final class PolicyParams {

    /** A paramRef that cannot be resolved for this request. */
    static final class ParamError extends Exception {
        ParamError(String message) {
            super(message, null, false, false);
        }
    }

    private PolicyParams() {
    }

    /** kube's {@code schema.GroupVersionKind.String()}: {@code /v1, Kind=ConfigMap}. */
    static String gvk(ParamKind kind) {
        String apiVersion = kind.getApiVersion() == null ? "" : kind.getApiVersion();
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        return group + "/" + version + ", Kind=" + kind.getKind();
    }

    /** The Go text of a ParamKind in kube's errors: {@code &ParamKind{APIVersion:v1,Kind:ConfigMap,}}. */
    private static String goString(ParamKind kind) {
        return "&ParamKind{APIVersion:" + kind.getApiVersion() + ",Kind:" + kind.getKind() + ",}";
    }

    /**
     * @param params the paramKind's objects (found by the caller; kube reports a paramKind that is not served as
     *               a configuration error of the policy)
     * @return the params to evaluate with, {@code null} standing for "no params"
     */
    static List<HasMetadata> collect(ParamKind kind, ParamSource.Params params, ParamRef ref, String requestNamespace)
            throws ParamError {
        if (kind == null || ref == null) {
            return java.util.Collections.singletonList(null);
        }
        String namespace = "";
        if (params.namespaced()) {
            namespace = ref.getNamespace() != null && !ref.getNamespace().isEmpty() ? ref.getNamespace()
                    : requestNamespace == null ? "" : requestNamespace;
            if (namespace.isEmpty()) {
                throw new ParamError("cannot use namespaced paramRef in policy binding that matches cluster-scoped resources");
            }
        }
        if (!params.synced()) {
            throw new ParamError("paramKind kind `" + goString(kind) + "` not yet synced to use for admission");
        }
        if (ref.getNamespace() != null && !ref.getNamespace().isEmpty() && !params.namespaced()) {
            throw new ParamError("paramRef.namespace must not be provided for a cluster-scoped `paramKind`");
        }
        List<HasMetadata> found = new ArrayList<>();
        if (ref.getName() != null && !ref.getName().isEmpty()) {
            if (ref.getSelector() != null) {
                throw new ParamError("paramRef.name and paramRef.selector are mutually exclusive");
            }
            Optional<HasMetadata> p = params.get(namespace, ref.getName());
            p.ifPresent(found::add);
        } else if (ref.getSelector() != null) {
            LabelSelector selector;
            try {
                selector = LabelSelector.fromObject(ref.getSelector());
            } catch (RuntimeException e) {
                throw new ParamError(e.getMessage());
            }
            found.addAll(params.list(namespace, selector));
        } else {
            throw new ParamError("one of name or selector must be provided");
        }
        if (found.isEmpty() && "Deny".equals(ref.getParameterNotFoundAction())) {
            throw new ParamError("no params found for policy binding with `Deny` parameterNotFoundAction");
        }
        return found;
    }
}
