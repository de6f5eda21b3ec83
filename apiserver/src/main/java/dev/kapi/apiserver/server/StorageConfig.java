package dev.kapi.apiserver.server;

import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.storage.sqlite.SqliteStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;

/**
 * The storage backend: etcd at {@code --etcd-servers}; without that flag, the embedded store (SQLite, on
 * the model of k3s's kine) in {@code --data-dir}/db/state.db, so one command starts a working server.
 */
@Configuration(proxyBeanMethods = false)
public class StorageConfig {

    private static final Logger LOG = LoggerFactory.getLogger(StorageConfig.class);

    @Bean(destroyMethod = "close")
    Storage storage(ServerOptions options, DataDir dataDir) {
        if (!options.etcdServers().isEmpty()) {
            LOG.info("Storage: etcd at {}", String.join(",", options.etcdServers()));
            return EtcdStorage.connect(options.etcdServers(), options.etcdPrefix() + "/");
        }
        Path file = dataDir.database();
        LOG.info("Storage: embedded store {} (no --etcd-servers given)", file);
        return SqliteStorage.open(file);
    }
}
