package dev.kapi.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Installs the CustomResourceDefinitions a {@link KapiTest} names (files, or generated from classes) and
 * returns once each served version of each answers a list: a test never meets a 404 for a resource whose
 * definition was just created.
 */
final class CrdInstaller {

    private static final Duration SERVED_WITHIN = Duration.ofSeconds(30);

    private CrdInstaller() {
    }

    static void install(KapiTestServer server, List<String> files, List<Class<?>> classes) {
        if (files.isEmpty() && classes.isEmpty()) {
            return;
        }
        KubernetesClient admin = server.client();
        List<CustomResourceDefinition> crds = new ArrayList<>();
        for (String file : files) {
            try (InputStream in = open(file)) {
                for (HasMetadata item : admin.load(in).items()) {
                    if (!(item instanceof CustomResourceDefinition crd)) {
                        throw new IllegalArgumentException(file + " holds a " + item.getKind()
                                + ", not a CustomResourceDefinition");
                    }
                    crds.add(crd);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        if (!classes.isEmpty()) {
            crds.addAll(CrdGeneration.generate(admin, classes));
        }
        for (CustomResourceDefinition crd : crds) {
            // applied, not created: a server on an etcd of an earlier run (--etcd-servers) may have it already
            admin.resource(crd).fieldManager("kapi-testing").forceConflicts().serverSideApply();
        }
        HttpClient http = server.httpClient(KapiServer.ADMIN, "system:masters");
        for (CustomResourceDefinition crd : crds) {
            for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
                if (Boolean.TRUE.equals(version.getServed())) {
                    awaitServed(http, server.url().resolve("/apis/" + crd.getSpec().getGroup() + "/"
                            + version.getName() + "/" + crd.getSpec().getNames().getPlural() + "?limit=1"));
                }
            }
        }
    }

    /** A classpath resource of that name, or else a file. */
    private static InputStream open(String name) throws IOException {
        InputStream resource = Thread.currentThread().getContextClassLoader()
                .getResourceAsStream(name.startsWith("/") ? name.substring(1) : name);
        if (resource != null) {
            return resource;
        }
        Path file = Path.of(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("CRD file " + name + " is neither a classpath resource nor a file");
        }
        return Files.newInputStream(file);
    }

    private static void awaitServed(HttpClient http, URI list) {
        long deadline = System.nanoTime() + SERVED_WITHIN.toNanos();
        int status = 0;
        while (System.nanoTime() < deadline) {
            try {
                status = http.send(HttpRequest.newBuilder(list).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200) {
                    return;
                }
                Thread.sleep(10);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + list, e);
            }
        }
        throw new IllegalStateException(list + " not served within " + SERVED_WITHIN.toSeconds()
                + " s (last status " + status + ")");
    }
}
