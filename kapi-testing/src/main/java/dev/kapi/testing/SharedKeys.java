package dev.kapi.testing;

import dev.kapi.apiserver.authn.serviceaccount.PemKeys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;

/**
 * One ServiceAccount signing key (RSA 2048, as the server generates) for every test server of this JVM: the
 * server makes one on its first start in a data directory, and generating it was four tenths of a further
 * server's start. Written into a new data directory where the server looks for it ({@code pki/sa.key}), private
 * to this user, before the server starts. Test servers of one JVM thus accept each other's ServiceAccount tokens.
 */
final class SharedKeys {

    private static volatile String serviceAccountKeyPem;

    private SharedKeys() {
    }

    /** Puts the shared key into {@code dataDir} unless it already has one. */
    static void seed(Path dataDir) {
        Path file = dataDir.resolve("pki/sa.key");
        if (Files.exists(file)) {
            return;
        }
        try {
            try {
                Files.createDirectories(file.getParent(), PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                // Windows: the temporary directory is the user's own
                Files.createDirectories(file.getParent());
                Files.createFile(file);
            }
            Files.writeString(file, key(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String key() {
        String pem = serviceAccountKeyPem;
        if (pem == null) {
            synchronized (SharedKeys.class) {
                if (serviceAccountKeyPem == null) {
                    try {
                        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
                        gen.initialize(2048);
                        serviceAccountKeyPem = PemKeys.encode(gen.generateKeyPair().getPrivate());
                    } catch (GeneralSecurityException e) {
                        throw new IllegalStateException(e);
                    }
                }
                pem = serviceAccountKeyPem;
            }
        }
        return pem;
    }
}
