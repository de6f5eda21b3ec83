package dev.kapi.apiserver.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The static bearer tokens ({@code --token-auth-file}) of the shared e2e server's users. */
public final class E2eTokens {

    /** User {@code e2e-dev} (uid e2e-dev-uid) in groups {@code e2e-devs} and {@code e2e-all}. */
    public static final String DEV = "e2e-dev-token-7d1c2b";
    /** User {@code e2e-watcher} with no extra groups. */
    public static final String WATCHER = "e2e-watcher-token-93af01";

    private E2eTokens() {
    }

    static Path write(Path file) {
        try {
            return Files.writeString(file, DEV + ",e2e-dev,e2e-dev-uid,\"e2e-devs,e2e-all\"\n"
                    + WATCHER + ",e2e-watcher,e2e-watcher-uid\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
