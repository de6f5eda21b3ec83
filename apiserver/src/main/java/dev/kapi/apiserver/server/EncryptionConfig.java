package dev.kapi.apiserver.server;

import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.StorageDecorator;
import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.encryption.EncryptingStorage;
import dev.kapi.apiserver.storage.encryption.EncryptionConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * {@code --encryption-provider-config}: kube-apiserver's encryption at rest. The file (an
 * {@link EncryptionConfiguration}) is read once at start; the resources it names get their storage behind an
 * {@link EncryptingStorage} (the {@link StorageDecorator} of their stores), on etcd and on the embedded store
 * alike. A file that cannot be read or that kube would refuse stops the server with one line naming the problem.
 * Not supported: {@code --encryption-provider-config-automatic-reload} (a changed file takes a restart) and kms.
 * Without the flag the decorator is {@link StorageDecorator#NONE} (no condition on the flag: bean definitions never
 * depend on flags, see {@code TokenConfig#oidcTokenAuthenticator}).
 */
@Configuration(proxyBeanMethods = false)
public class EncryptionConfig {

    private static final Logger LOG = LoggerFactory.getLogger(EncryptionConfig.class);
    private static final String FLAG = "--encryption-provider-config";

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 1) // next to the backend (inside any cache): only ciphertext is stored
    StorageDecorator encryptionAtRest(@Value("${encryption-provider-config:}") String file) {
        if (file.isEmpty()) {
            return StorageDecorator.NONE;
        }
        EncryptionConfiguration config = load(Path.of(file));
        LOG.info("Encryption at rest ({}): {}", file, String.join("; ", config.summary()));
        return (definition, storage) -> decorate(config, definition, storage);
    }

    /**
     * The storage of {@code definition}, encrypted when a rule covers the resource its objects are stored as:
     * events.k8s.io Events are core Events in storage, and share their rule, as in kube.
     */
    static Storage decorate(EncryptionConfiguration config, ResourceDefinition<?> definition, Storage storage) {
        String group = definition.group();
        if (group.equals("events.k8s.io") && definition.resource().equals("events")) {
            group = "";
        }
        return config.transformerFor(group, definition.resource())
                .<Storage>map(transformer -> new EncryptingStorage(storage, transformer))
                .orElse(storage);
    }

    static EncryptionConfiguration load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new StartupFailure(FLAG + ": error reading encryption provider configuration file \"" + file
                    + "\": " + StartupFailure.reason(e), e);
        }
        warnIfOthersMayRead(file);
        try {
            return EncryptionConfiguration.parse(text);
        } catch (EncryptionConfiguration.InvalidEncryptionConfiguration e) {
            throw new StartupFailure(FLAG + " " + file + ": " + e.getMessage());
        }
    }

    private static void warnIfOthersMayRead(Path file) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.contains(PosixFilePermission.GROUP_READ)
                    || permissions.contains(PosixFilePermission.OTHERS_READ)) {
                LOG.warn("{} {} holds encryption keys and others may read it: chmod 600 it", FLAG, file);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: nothing to say
        }
    }
}
