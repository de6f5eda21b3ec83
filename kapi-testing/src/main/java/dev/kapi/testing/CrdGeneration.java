package dev.kapi.testing;

import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * CustomResourceDefinitions generated from fabric8 custom resource classes by fabric8's crd-generator-api-v2
 * (an optional dependency: in a class of its own so that nothing loads it unless a test names classes).
 */
final class CrdGeneration {

    private CrdGeneration() {
    }

    @SuppressWarnings("unchecked")
    static List<CustomResourceDefinition> generate(KubernetesClient admin, List<Class<?>> classes) {
        List<Class<? extends HasMetadata>> resources = new ArrayList<>();
        for (Class<?> c : classes) {
            if (!HasMetadata.class.isAssignableFrom(c)) {
                throw new IllegalArgumentException(c.getName() + " is not a custom resource class (HasMetadata)");
            }
            resources.add((Class<? extends HasMetadata>) c);
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("kapi-crds-");
            new CRDGenerator().customResourceClasses(resources).forCRDVersions("v1").inOutputDir(dir.toFile())
                    .generate();
            List<CustomResourceDefinition> out = new ArrayList<>();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.sorted().toList()) {
                    try (InputStream in = Files.newInputStream(file)) {
                        out.add(admin.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class));
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            DataDirs.delete(dir);
        }
    }
}
