package dev.kapi.apiserver.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A Spring test's {@code --data-dir}: a new temporary directory, made when the test class loads. */
public final class TestDataDirs {

    private TestDataDirs() {
    }

    /** A new temporary directory named after {@code prefix}. */
    public static Path create(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
