package dev.kapi.apiserver.registry.apiextensions;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.StorageForm;
import dev.kapi.apiserver.registry.apiextensions.conversion.ConversionException;
import dev.kapi.apiserver.registry.apiextensions.conversion.VersionConverter;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * How one served version of a CRD keeps its objects: under {@code /registry/<group>/<plural>/}, at the CRD's
 * storage version, converted by the CRD's conversion (None: only apiVersion changes; Webhook: a
 * ConversionReview) on the way in and out, and defaulted by the served version's schema on the way out.
 */
final class CustomStorageForm implements StorageForm<GenericKubernetesResource> {

    private final String group;
    private final String storageApiVersion;
    private final String servedApiVersion;
    private final VersionConverter converter;
    private final VersionRules rules;

    CustomStorageForm(String group, String storageVersion, String servedVersion,
                      VersionConverter converter, VersionRules rules) {
        this.group = group;
        this.storageApiVersion = group + "/" + storageVersion;
        this.servedApiVersion = group + "/" + servedVersion;
        this.converter = converter;
        this.rules = rules;
    }

    @Override
    public String keyGroup() {
        return group;
    }

    /** Served as stored when the served version is the storage version and its schema sets no defaults. */
    @Override
    public boolean servesStoredJson() {
        return storageApiVersion.equals(servedApiVersion) && !rules.hasDefaults();
    }

    @Override
    public GenericKubernetesResource toStorage(GenericKubernetesResource obj) {
        try {
            return convert(obj, storageApiVersion);
        } catch (ConversionException e) {
            throw e.forWrite();
        }
    }

    @Override
    public GenericKubernetesResource fromStorage(HasMetadata stored) {
        GenericKubernetesResource served = convert((GenericKubernetesResource) stored, servedApiVersion);
        if (rules.hasDefaults()) { // kube defaults what it reads too: objects stored before a default was added
            String resourceVersion = served.getMetadata() == null ? null : served.getMetadata().getResourceVersion();
            ObjectNode tree = (ObjectNode) Json.tree(served);
            rules.applyDefaults(tree);
            served = Json.convert(tree, GenericKubernetesResource.class);
            if (served.getMetadata() != null) {
                served.getMetadata().setResourceVersion(resourceVersion);
            }
        }
        return served;
    }

    private GenericKubernetesResource convert(GenericKubernetesResource obj, String apiVersion) {
        if (apiVersion.equals(obj.getApiVersion())) {
            return obj;
        }
        String resourceVersion = obj.getMetadata() == null ? null : obj.getMetadata().getResourceVersion();
        ObjectNode tree = (ObjectNode) Json.tree(obj);
        ObjectNode converted = converter.convert(List.of(tree), apiVersion).get(0);
        GenericKubernetesResource out = Json.convert(converted, GenericKubernetesResource.class);
        if (out.getMetadata() != null && resourceVersion != null) {
            out.getMetadata().setResourceVersion(resourceVersion);
        }
        return out;
    }
}
