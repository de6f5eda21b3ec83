package dev.kapi.apiserver.admission.plugin.policy.validating;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;

import java.util.List;

/**
 * Where the plugin reads the ValidatingAdmissionPolicies and their bindings (an informer's cache in the server,
 * so that a change reaches every server sharing the store within a second). Reads are from memory.
 */
public interface PolicySource {

    /** No policies: nothing to enforce. */
    PolicySource NONE = new PolicySource() {
        @Override
        public List<ValidatingAdmissionPolicy> policies() {
            return List.of();
        }

        @Override
        public List<ValidatingAdmissionPolicyBinding> bindings() {
            return List.of();
        }

        @Override
        public long revision() {
            return 0;
        }
    };

    /** Every policy now known. The objects are shared: callers must not change them. */
    List<ValidatingAdmissionPolicy> policies();

    /** Every binding now known. The objects are shared: callers must not change them. */
    List<ValidatingAdmissionPolicyBinding> bindings();

    /**
     * A number that changes whenever {@link #policies} or {@link #bindings} may have changed, so that callers can
     * keep what they derived from them while it stays the same.
     */
    long revision();

    /**
     * Whether both lists are complete (their first list was read); may wait a bounded time for that, as kube's
     * plugin waits for its informers. Until then requests are refused (kube's "not yet ready to handle request").
     */
    default boolean synced() {
        return true;
    }
}
