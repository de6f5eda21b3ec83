package dev.kapi.admissionwebhooks.review;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperationsBuilder;

import java.util.List;

/** Building blocks of {@link AdmissionWebhook.Registration}s and checks of the settings they come from. */
public final class Registrations {

    private Registrations() {
    }

    /** A rule for namespaced resources of the given API groups, every version. */
    public static RuleWithOperations rule(List<String> apiGroups, List<String> resources, List<String> operations) {
        return new RuleWithOperationsBuilder().withApiGroups(apiGroups).withApiVersions("*")
                .withResources(resources).withOperations(operations).withScope("Namespaced").build();
    }

    /** A {@code failure-policy} setting: {@code Fail} or {@code Ignore}, as the API server accepts it. */
    public static String failurePolicy(String webhook, String value) {
        if (value == null || value.isBlank()) {
            return "Fail";
        }
        if (!value.equals("Fail") && !value.equals("Ignore")) {
            throw new IllegalArgumentException("webhooks." + webhook + ".failure-policy must be Fail or Ignore, not \""
                    + value + "\"");
        }
        return value;
    }
}
