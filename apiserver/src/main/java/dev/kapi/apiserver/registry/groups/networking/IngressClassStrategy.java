package dev.kapi.apiserver.registry.groups.networking;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.groups.FieldChecks;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassParametersReference;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** networking.k8s.io/v1 ingressclasses (cluster-scoped): controller required and immutable, parameters. */
public final class IngressClassStrategy implements ResourceStrategy<IngressClass> {

    @Override
    public void applyDefaults(IngressClass ic) {
        IngressClassParametersReference params = ic.getSpec() == null ? null : ic.getSpec().getParameters();
        if (params != null && (params.getScope() == null || params.getScope().isEmpty())) {
            params.setScope("Cluster");
        }
    }

    @Override
    public List<FieldError> validate(IngressClass ic) {
        List<FieldError> errs = new ArrayList<>();
        IngressClassSpec spec = ic.getSpec() == null ? new IngressClassSpec() : ic.getSpec();
        String controller = spec.getController();
        if (controller == null || controller.isEmpty()) {
            errs.add(FieldError.required("spec.controller", ""));
        } else if (controller.length() > 250) {
            errs.add(FieldError.tooLong("spec.controller", controller, 250));
        } else if (!controller.matches("[^/]+/.+")) {
            errs.add(FieldError.invalid("spec.controller", controller,
                    "must be a domain-prefixed path (such as \"acme.io/foo\")"));
        }
        IngressClassParametersReference params = spec.getParameters();
        if (params != null) {
            String p = "spec.parameters";
            if (params.getKind() == null || params.getKind().isEmpty()) {
                errs.add(FieldError.required(p + ".kind", "kind is required"));
            }
            if (params.getName() == null || params.getName().isEmpty()) {
                errs.add(FieldError.required(p + ".name", "name is required"));
            }
            FieldChecks.oneOf(params.getScope(), List.of("Cluster", "Namespace"), p + ".scope", errs);
            boolean hasNamespace = params.getNamespace() != null && !params.getNamespace().isEmpty();
            if ("Namespace".equals(params.getScope()) && !hasNamespace) {
                errs.add(FieldError.required(p + ".namespace", "`parameters.scope` is set to 'Namespace'"));
            } else if ("Cluster".equals(params.getScope()) && hasNamespace) {
                errs.add(FieldError.forbidden(p + ".namespace", "`parameters.scope` is set to 'Cluster'"));
            }
        }
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(IngressClass ic, IngressClass old) {
        List<FieldError> errs = validate(ic);
        // omitempty: "" is unset
        String c = ic.getSpec() == null || ic.getSpec().getController() == null ? "" : ic.getSpec().getController();
        String o = old.getSpec() == null || old.getSpec().getController() == null ? "" : old.getSpec().getController();
        FieldChecks.immutable(c, o, c, "spec.controller", errs);
        return errs;
    }

    @Override
    public List<TableColumn<IngressClass>> tableColumns() {
        return List.of(
                TableColumn.nameColumn(),
                TableColumn.of("Controller", "string", "Controller that is responsible for handling this class",
                        ic -> ic.getSpec() == null || ic.getSpec().getController() == null ? ""
                                : ic.getSpec().getController()),
                TableColumn.of("Parameters", "string", "A reference to a resource with additional parameters",
                        IngressClassStrategy::parameters),
                TableColumn.ageColumn());
    }

    static String parameters(IngressClass ic) {
        IngressClassParametersReference p = ic.getSpec() == null ? null : ic.getSpec().getParameters();
        if (p == null) {
            return "<none>";
        }
        String s = Objects.toString(p.getKind(), "");
        if (p.getApiGroup() != null) {
            s += "." + p.getApiGroup();
        }
        return s + "/" + Objects.toString(p.getName(), "");
    }
}
