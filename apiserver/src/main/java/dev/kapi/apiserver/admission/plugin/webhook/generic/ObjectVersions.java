package dev.kapi.apiserver.admission.plugin.webhook.generic;

import dev.kapi.apiserver.api.GroupVersionResource;
import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Converts an object to another served version of its resource (kube's object convertor), for webhooks that
 * are called for an equivalent version of the request's resource ({@code matchPolicy: Equivalent}): a custom
 * resource's other versions. Never changes its argument.
 */
@FunctionalInterface
public interface ObjectVersions {

    /** Converts nothing: for servers whose resources each have one version. */
    ObjectVersions NONE = (obj, to) -> {
        throw StatusError.internal("unable to convert to " + to + ": unknown kind");
    };

    /**
     * The object as an object of {@code to}.
     *
     * @throws StatusError (500) when it cannot be converted
     */
    HasMetadata convert(HasMetadata obj, GroupVersionResource to);
}
