package dev.kapi.apiserver.registry.groups.admissionregistration;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.validation.NameValidation;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ParamRef;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBindingSpec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * admissionregistration.k8s.io/v1 validatingadmissionpolicybindings (cluster-scoped): the match resources'
 * defaults, kube's validation (policyName a DNS subdomain; paramRef name xor selector, parameterNotFoundAction
 * Deny or Allow; matchResources, reported under kube's misspelt {@code spec.matchResouces}; validationActions
 * required, unique, among Deny, Warn and Audit, not both Deny and Warn), generation bumped on spec changes;
 * columns Name, PolicyName, ParamRef, Age.
 */
public final class ValidatingAdmissionPolicyBindingStrategy
        implements ResourceStrategy<ValidatingAdmissionPolicyBinding> {

    static final List<String> ACTIONS = List.of("Audit", "Deny", "Warn");
    static final List<String> NOT_FOUND_ACTIONS = List.of("Deny", "Allow");

    @Override
    public void applyDefaults(ValidatingAdmissionPolicyBinding b) {
        if (b.getSpec() == null) {
            b.setSpec(new ValidatingAdmissionPolicyBindingSpec());
        }
        AdmissionDefaults.matchResources(b.getSpec().getMatchResources());
    }

    @Override
    public List<FieldError> validate(ValidatingAdmissionPolicyBinding b) {
        List<FieldError> errs = new ArrayList<>();
        ValidatingAdmissionPolicyBindingSpec spec = b.getSpec();
        String policy = spec.getPolicyName() == null ? "" : spec.getPolicyName();
        if (policy.isEmpty()) {
            errs.add(FieldError.required("spec.policyName", ""));
        } else {
            for (String msg : NameValidation.dns1123Subdomain(policy)) {
                errs.add(FieldError.invalid("spec.policyName", policy, msg));
            }
        }
        paramRef(spec.getParamRef(), "spec.paramRef", errs);
        MatchResourcesChecks.matchResources(spec.getMatchResources(), "spec.matchResouces", errs);
        validationActions(spec.getValidationActions(), "spec.validationActions", errs);
        return errs;
    }

    private static void paramRef(ParamRef ref, String path, List<FieldError> errs) {
        if (ref == null) {
            return;
        }
        String name = ref.getName() == null ? "" : ref.getName();
        if (!name.isEmpty()) {
            for (String msg : NameValidation.pathSegmentName(name)) {
                errs.add(FieldError.invalid(path + ".name", name, msg));
            }
            if (ref.getSelector() != null) {
                errs.add(FieldError.forbidden(path + ".name", "name and selector are mutually exclusive"));
            }
        }
        if (ref.getSelector() != null) {
            SelectorChecks.validate(ref.getSelector(), false, path + ".selector", errs);
            if (!name.isEmpty()) {
                errs.add(FieldError.forbidden(path + ".selector", "name and selector are mutually exclusive"));
            }
        }
        if (name.isEmpty() && ref.getSelector() == null) {
            errs.add(FieldError.required(path, "one of name or selector must be specified"));
        }
        String action = ref.getParameterNotFoundAction();
        if (action == null || action.isEmpty()) {
            errs.add(FieldError.required(path + ".parameterNotFoundAction", ""));
        } else if (!NOT_FOUND_ACTIONS.contains(action)) {
            errs.add(FieldError.notSupported(path + ".parameterNotFoundAction", action, NOT_FOUND_ACTIONS));
        }
    }

    private static void validationActions(List<String> actions, String path, List<FieldError> errs) {
        List<String> list = actions == null ? List.of() : actions;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String a = list.get(i) == null ? "" : list.get(i);
            if (!ACTIONS.contains(a)) {
                errs.add(FieldError.notSupported(path + "[" + i + "]", a, ACTIONS));
            }
            if (!seen.add(a)) {
                errs.add(FieldError.duplicate(path + "[" + i + "]", a));
            }
        }
        if (seen.contains("Deny") && seen.contains("Warn")) {
            errs.add(FieldError.invalid(path, GoText.named("ValidationAction", list),
                    "must not contain both Deny and Warn (repeating the same validation failure information in the "
                            + "API response and headers serves no purpose)"));
        }
        if (seen.isEmpty()) {
            errs.add(FieldError.required(path, "at least one validation action is required"));
        }
    }

    @Override
    public List<TableColumn<ValidatingAdmissionPolicyBinding>> tableColumns() {
        return List.of(TableColumn.nameColumn(),
                TableColumn.of("PolicyName", "string",
                        "PolicyName indicates the policy definition which the policy binding binded to",
                        b -> b.getSpec() == null ? "" : Objects.toString(b.getSpec().getPolicyName(), "")),
                TableColumn.of("ParamRef", "string",
                        "ParamRef indicates the param resource which sets the configration param",
                        ValidatingAdmissionPolicyBindingStrategy::paramRef),
                TableColumn.ageColumn());
    }

    /**
     * kube's printer: {@code namespace/name} (a star for the namespace when none is set), else the selector as
     * Go prints it, else {@code <unset>}.
     */
    static String paramRef(ValidatingAdmissionPolicyBinding b) {
        ParamRef ref = b.getSpec() == null ? null : b.getSpec().getParamRef();
        if (ref == null) {
            return "<unset>";
        }
        if (ref.getName() != null && !ref.getName().isEmpty()) {
            String ns = ref.getNamespace() == null || ref.getNamespace().isEmpty() ? "*" : ref.getNamespace();
            return ns + "/" + ref.getName();
        }
        return ref.getSelector() == null ? "<unset>" : GoText.selector(ref.getSelector());
    }
}
