package dev.kapi.testing;

import org.testcontainers.utility.DockerImageName;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The server image a {@link KapiContainer} runs unless told otherwise: {@code kapi/apiserver:<version>}, the
 * version being this library's (the build makes the library and the image together), read from the Maven
 * descriptor in its jar (or, run from a build's classes, from the server library's); {@code -Dkapi.image=NAME}
 * names another image (a registry the image was pushed to, another tag).
 */
final class KapiImage {

    static final String REPOSITORY = "kapi/apiserver";
    static final String PROPERTY = "kapi.image";
    private static final List<String> DESCRIPTORS = List.of(
            "META-INF/maven/dev.kapi/kapi-testing/pom.properties",
            "META-INF/maven/dev.kapi/apiserver/pom.properties");

    private KapiImage() {
    }

    static DockerImageName defaultName() {
        String named = System.getProperty(PROPERTY, "").trim();
        if (!named.isEmpty()) {
            return DockerImageName.parse(named);
        }
        String version = version(KapiImage.class.getClassLoader()).orElseThrow(() -> new IllegalStateException(
                "Cannot tell which " + REPOSITORY + " image to run: neither kapi-testing's nor the apiserver's Maven"
                        + " descriptor is on the class path. Name it: new KapiContainer(\"" + REPOSITORY
                        + ":<version>\"), or -D" + PROPERTY + "=" + REPOSITORY + ":<version>"));
        return DockerImageName.parse(REPOSITORY).withTag(version);
    }

    /** The version in the first Maven descriptor of kapi-testing or the apiserver that {@code loader} finds. */
    static Optional<String> version(ClassLoader loader) {
        for (String descriptor : DESCRIPTORS) {
            try (InputStream in = loader.getResourceAsStream(descriptor)) {
                if (in == null) {
                    continue;
                }
                Properties properties = new Properties();
                properties.load(in);
                String version = properties.getProperty("version", "").trim();
                if (!version.isEmpty()) {
                    return Optional.of(version);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + descriptor, e);
            }
        }
        return Optional.empty();
    }
}
