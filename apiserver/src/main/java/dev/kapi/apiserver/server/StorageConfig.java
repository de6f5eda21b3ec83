package dev.kapi.apiserver.server;

import dev.kapi.apiserver.storage.Storage;
import dev.kapi.apiserver.storage.etcd3.EtcdStorage;
import dev.kapi.apiserver.storage.etcd3.LocalEtcdProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

/**
 * The storage backend: etcd at {@code --etcd-servers}; without that flag, a local etcd process (Debian's
 * {@code etcd-server}) started in {@code --data-dir}/etcd and stopped with the server.
 */
@Configuration(proxyBeanMethods = false)
public class StorageConfig {

    private static final Logger LOG = LoggerFactory.getLogger(StorageConfig.class);

    @Bean(destroyMethod = "close")
    LocalEtcd localEtcd(ServerOptions options) {
        if (!options.etcdServers().isEmpty()) {
            return new LocalEtcd(null);
        }
        LocalEtcdProcess etcd = LocalEtcdProcess.start(options.dataDir().resolve("etcd"));
        LOG.info("No --etcd-servers given: started a local etcd at {} with data in {}", etcd.endpoint(),
                etcd.dataDir());
        return new LocalEtcd(etcd);
    }

    @Bean(destroyMethod = "close")
    Storage storage(ServerOptions options, LocalEtcd local) {
        List<String> endpoints = local.process() != null ? local.process().endpoints() : options.etcdServers();
        return EtcdStorage.connect(endpoints);
    }

    /** The locally started etcd, if any (a holder so Spring can close it after the storage). */
    record LocalEtcd(LocalEtcdProcess process) implements AutoCloseable {
        @Override
        public void close() {
            if (process != null) {
                process.close();
            }
        }
    }
}
