package dev.kapi.apiserver.registry.groups.admissionregistration;

import java.util.List;

/**
 * Texts the webhook configurations share: kube's warning for names ending in {@code .static.k8s.io} (reserved
 * for manifest-based admission configuration, which this server does not load) and the Webhooks column.
 */
final class StaticSuffix {

    static final String SUFFIX = ".static.k8s.io";
    static final String WEBHOOKS_COLUMN = "Webhooks indicates the number of webhooks registered in this configuration";

    private StaticSuffix() {
    }

    /** kube's {@code WarningsForStaticSuffix}. */
    static List<String> warnings(String name) {
        if (name != null && name.endsWith(SUFFIX)) {
            return List.of("metadata.name: names ending with \"" + SUFFIX
                    + "\" are reserved for static manifest-based configurations and cannot be managed via the API");
        }
        return List.of();
    }
}
