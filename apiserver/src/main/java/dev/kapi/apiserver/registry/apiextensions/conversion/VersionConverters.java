package dev.kapi.apiserver.registry.apiextensions.conversion;

import dev.kapi.apiserver.webhook.ServiceUrls;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceConversion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Chooses a CRD's {@link VersionConverter} from {@code spec.conversion.strategy}: {@code None} (or no
 * conversion) only rewrites {@code apiVersion}; {@code Webhook} sends a ConversionReview to the CRD's webhook.
 * Either way the desired version and every object's version must be one of {@code spec.versions}
 * (kube's {@code delegatingCRConverter} checks). The CRD is assumed valid ({@link ConversionChecks}).
 */
public final class VersionConverters {

    /** kube's default timeout for a conversion webhook call. */
    public static final Duration WEBHOOK_TIMEOUT = Duration.ofSeconds(30);

    private VersionConverters() {
    }

    public static VersionConverter of(CustomResourceDefinition crd) {
        return of(crd, ServiceUrls.defaults());
    }

    /** The converter of {@code crd}, its webhook, when given as a service, called where {@code services} says. */
    public static VersionConverter of(CustomResourceDefinition crd, ServiceUrls services) {
        return of(crd, WEBHOOK_TIMEOUT, services);
    }

    static VersionConverter of(CustomResourceDefinition crd, Duration webhookTimeout, ServiceUrls services) {
        CustomResourceConversion conversion = crd.getSpec().getConversion();
        VersionConverter delegate = conversion != null && "Webhook".equals(conversion.getStrategy())
                ? new WebhookConverter(conversion.getWebhook(), webhookTimeout, services)
                : new NopConverter();
        return new Checked(validVersions(crd), delegate);
    }

    private static Set<String> validVersions(CustomResourceDefinition crd) {
        String group = crd.getSpec().getGroup();
        List<CustomResourceDefinitionVersion> versions = crd.getSpec().getVersions();
        return versions == null ? Set.of() : versions.stream()
                .map(v -> group + "/" + v.getName()).collect(Collectors.toUnmodifiableSet());
    }

    /** The version checks in front of the strategy; objects already at the desired version skip the strategy. */
    private record Checked(Set<String> valid, VersionConverter strategy) implements VersionConverter {

        @Override
        public List<ObjectNode> convert(List<ObjectNode> objects, String desiredApiVersion) {
            if (!valid.contains(desiredApiVersion)) {
                throw new ConversionException("request to convert CR to an invalid group/version: "
                        + desiredApiVersion);
            }
            List<ObjectNode> pending = new ArrayList<>();
            for (int i = 0; i < objects.size(); i++) {
                String from = ConvertedObjects.text(objects.get(i), "apiVersion");
                if (!valid.contains(from)) {
                    throw new ConversionException("request to convert CR list failed, list index " + i
                            + " has invalid group/version: " + from);
                }
                if (!from.equals(desiredApiVersion)) {
                    pending.add(objects.get(i));
                }
            }
            if (pending.isEmpty()) {
                return List.copyOf(objects);
            }
            List<ObjectNode> converted = strategy.convert(pending, desiredApiVersion);
            List<ObjectNode> out = new ArrayList<>(objects.size());
            int next = 0;
            for (ObjectNode o : objects) {
                out.add(desiredApiVersion.equals(ConvertedObjects.text(o, "apiVersion")) ? o : converted.get(next++));
            }
            return out;
        }
    }
}
