package dev.kapi.apiserver.registry.groups.apiregistration;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.validation.NameValidation;
import io.fabric8.kubernetes.api.model.APIService;
import io.fabric8.kubernetes.api.model.APIServiceCondition;
import io.fabric8.kubernetes.api.model.APIServiceSpec;
import io.fabric8.kubernetes.api.model.ServiceReference;

import java.util.ArrayList;
import java.util.List;

/**
 * apiregistration.k8s.io/v1 apiservices (cluster-scoped, +status): kube-aggregator's defaults (service port
 * 443) and validation (the name is {@code <version>.<group>}, priorities in range, a local APIService has no
 * caBundle or insecureSkipTLSVerify, a service reference names a namespace, a name and a valid port), and its
 * printer columns (Service "Local" or namespace/name, Available with the reason when not True).
 */
public final class APIServiceStrategy implements ResourceStrategy<APIService> {

    @Override
    public void applyDefaults(APIService s) {
        if (s.getSpec() != null && s.getSpec().getService() != null && s.getSpec().getService().getPort() == null) {
            s.getSpec().getService().setPort(443);
        }
    }

    @Override
    public List<String> validateName(String name) {
        return NameValidation.pathSegmentName(name);
    }

    @Override
    public List<FieldError> validate(APIService s) {
        List<FieldError> errs = new ArrayList<>();
        APIServiceSpec spec = s.getSpec() == null ? new APIServiceSpec() : s.getSpec();
        String group = spec.getGroup() == null ? "" : spec.getGroup();
        String version = spec.getVersion() == null ? "" : spec.getVersion();
        String required = version + "." + group;
        if (!required.equals(s.getMetadata().getName())) {
            errs.add(FieldError.invalid("metadata.name", s.getMetadata().getName(),
                    "must be `spec.version+\".\"+spec.group`: \"" + required + "\""));
        }
        if (group.isEmpty() && !version.equals("v1")) {
            errs.add(FieldError.required("spec.group", "only v1 may have an empty group and it better be legacy kube"));
        }
        if (!group.isEmpty()) {
            NameValidation.dns1123Subdomain(group).forEach(e -> errs.add(FieldError.invalid("spec.group", group, e)));
        }
        NameValidation.dns1035Label(version).forEach(e -> errs.add(FieldError.invalid("spec.version", version, e)));
        int groupPriority = spec.getGroupPriorityMinimum() == null ? 0 : spec.getGroupPriorityMinimum();
        if (groupPriority <= 0 || groupPriority > 20000) {
            errs.add(FieldError.invalid("spec.groupPriorityMinimum", groupPriority, "must be positive and less than 20000"));
        }
        int versionPriority = spec.getVersionPriority() == null ? 0 : spec.getVersionPriority();
        if (versionPriority <= 0 || versionPriority > 1000) {
            errs.add(FieldError.invalid("spec.versionPriority", versionPriority, "must be positive and less than 1000"));
        }
        boolean insecure = Boolean.TRUE.equals(spec.getInsecureSkipTLSVerify());
        boolean caBundle = spec.getCaBundle() != null && !spec.getCaBundle().isEmpty();
        ServiceReference service = spec.getService();
        if (service == null) {
            if (caBundle) {
                errs.add(FieldError.invalid("spec.caBundle", caBundleBytes(spec.getCaBundle()) + " bytes",
                        "local APIServices may not have a caBundle"));
            }
            if (insecure) {
                errs.add(FieldError.invalid("spec.insecureSkipTLSVerify", true,
                        "local APIServices may not have insecureSkipTLSVerify"));
            }
            return errs;
        }
        if (service.getNamespace() == null || service.getNamespace().isEmpty()) {
            errs.add(FieldError.required("spec.service.namespace", ""));
        }
        if (service.getName() == null || service.getName().isEmpty()) {
            errs.add(FieldError.required("spec.service.name", ""));
        }
        int port = service.getPort() == null ? 443 : service.getPort();
        List<String> portErrors = NameValidation.portNumber(port);
        if (!portErrors.isEmpty()) {
            errs.add(FieldError.invalid("spec.service.port", port, "port is not valid: " + String.join(", ", portErrors)));
        }
        if (insecure && caBundle) {
            errs.add(FieldError.invalid("spec.insecureSkipTLSVerify", true, "may not be true if caBundle is present"));
        }
        return errs;
    }

    private static int caBundleBytes(String base64) {
        try {
            return java.util.Base64.getDecoder().decode(base64).length;
        } catch (IllegalArgumentException e) {
            return base64.length();
        }
    }

    @Override
    public List<TableColumn<APIService>> tableColumns() {
        return List.of(
                TableColumn.nameColumn(),
                TableColumn.of("Service", "string", "The reference to the service that hosts this API endpoint.",
                        APIServiceStrategy::service),
                TableColumn.of("Available", "string", "Whether this service is available.",
                        APIServiceStrategy::available),
                TableColumn.ageColumn());
    }

    private static String service(APIService s) {
        ServiceReference ref = s.getSpec() == null ? null : s.getSpec().getService();
        return ref == null ? "Local" : ref.getNamespace() + "/" + ref.getName();
    }

    /** kube's printer: True, or the status with the reason in parentheses, Unknown without the condition. */
    static String available(APIService s) {
        if (s.getStatus() == null || s.getStatus().getConditions() == null) {
            return "Unknown";
        }
        for (APIServiceCondition c : s.getStatus().getConditions()) {
            if ("Available".equals(c.getType())) {
                if ("True".equals(c.getStatus()) || c.getReason() == null || c.getReason().isEmpty()) {
                    return c.getStatus();
                }
                return c.getStatus() + " (" + c.getReason() + ")";
            }
        }
        return "Unknown";
    }
}
