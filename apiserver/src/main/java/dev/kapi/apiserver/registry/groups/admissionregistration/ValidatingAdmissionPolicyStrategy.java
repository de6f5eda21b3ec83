package dev.kapi.apiserver.registry.groups.admissionregistration;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ParamKind;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicySpec;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyStatus;

import java.util.List;
import java.util.Objects;

/**
 * admissionregistration.k8s.io/v1 validatingadmissionpolicies (cluster-scoped, {@code status} subresource):
 * failurePolicy Fail and the match constraints' defaults, kube's spec validation with CEL compile checks (on
 * update match conditions are compiled again only when they or the paramKind changed), an empty status on
 * create, generation bumped on spec changes (the store's {@code tracksGeneration}), the status's conditions
 * and type-checking warnings validated on status writes; columns Name, Validations, ParamKind, Age.
 */
public final class ValidatingAdmissionPolicyStrategy implements ResourceStrategy<ValidatingAdmissionPolicy> {

    @Override
    public void applyDefaults(ValidatingAdmissionPolicy p) {
        if (p.getSpec() == null) {
            p.setSpec(new ValidatingAdmissionPolicySpec());
        }
        ValidatingAdmissionPolicySpec spec = p.getSpec();
        spec.setFailurePolicy(AdmissionDefaults.or(spec.getFailurePolicy(), "Fail"));
        AdmissionDefaults.matchResources(spec.getMatchConstraints());
    }

    @Override
    public void prepareForCreate(ValidatingAdmissionPolicy p) {
        p.setStatus(new ValidatingAdmissionPolicyStatus());
    }

    @Override
    public List<FieldError> validate(ValidatingAdmissionPolicy p) {
        return PolicyChecks.spec(p.getMetadata().getName(), p.getSpec(), false);
    }

    @Override
    public List<FieldError> validateUpdate(ValidatingAdmissionPolicy p, ValidatingAdmissionPolicy old) {
        ValidatingAdmissionPolicySpec spec = p.getSpec();
        ValidatingAdmissionPolicySpec before = old.getSpec() == null ? new ValidatingAdmissionPolicySpec() : old.getSpec();
        boolean unchanged = Json.sameJson(spec.getParamKind(), before.getParamKind())
                && Json.sameJson(spec.getMatchConditions(), before.getMatchConditions());
        return PolicyChecks.spec(p.getMetadata().getName(), spec, unchanged);
    }

    @Override
    public List<FieldError> validateStatusUpdate(ValidatingAdmissionPolicy p, ValidatingAdmissionPolicy old) {
        return PolicyStatusChecks.status(p.getStatus());
    }

    @Override
    public List<TableColumn<ValidatingAdmissionPolicy>> tableColumns() {
        return List.of(TableColumn.nameColumn(),
                TableColumn.of("Validations", "integer",
                        "Validations indicates the number of validation rules defined in this configuration",
                        p -> (long) (p.getSpec() == null || p.getSpec().getValidations() == null ? 0
                                : p.getSpec().getValidations().size())),
                TableColumn.of("ParamKind", "string",
                        "ParamKind specifies the kind of resources used to parameterize this policy",
                        ValidatingAdmissionPolicyStrategy::paramKind),
                TableColumn.ageColumn());
    }

    static String paramKind(ValidatingAdmissionPolicy p) {
        ParamKind pk = p.getSpec() == null ? null : p.getSpec().getParamKind();
        if (pk == null) {
            return "<unset>";
        }
        return Objects.toString(pk.getApiVersion(), "") + "/" + Objects.toString(pk.getKind(), "");
    }
}
