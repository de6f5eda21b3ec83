package dev.kapi.testing;

import dev.kapi.apiserver.KapiApplication;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the server's own {@code application.yaml} is: in the jar (or classes directory) that holds
 * {@link KapiApplication}. A test server reads only that file ({@code spring.config.location}): the test's own
 * {@code application.yaml} or {@code application.properties} on the class path, or a {@code config/} directory
 * in the working directory, would otherwise replace the server's settings.
 */
final class ServerConfigFile {

    private static final String NAME = "application.yaml";

    private ServerConfigFile() {
    }

    static String location() {
        var source = KapiApplication.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return "classpath:/" + NAME;
        }
        URL code = source.getLocation();
        try {
            Path path = Path.of(code.toURI());
            if (Files.isDirectory(path)) {
                return path.resolve(NAME).toUri().toString();
            }
            return "jar:" + path.toUri() + "!/" + NAME;
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the server's classes: " + code, e);
        }
    }
}
