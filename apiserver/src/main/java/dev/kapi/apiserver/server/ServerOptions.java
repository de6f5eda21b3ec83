package dev.kapi.apiserver.server;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The server's flags, named as kube-apiserver (and k3s for {@code --write-kubeconfig}) names them. Each is
 * a command-line flag ({@code --etcd-servers=...}) and equally an {@code application.yaml} property
 * ({@code etcd-servers: ...}).
 */
@Component
public class ServerOptions {

    private final List<String> etcdServers;
    private final String etcdPrefix;
    private final int securePort;
    private final String bindAddress;
    private final Path dataDir;
    private final String writeKubeconfig;
    private final String serviceClusterIpRange;
    private final String serviceNodePortRange;

    public ServerOptions(@Value("${etcd-servers:}") String etcdServers,
                         @Value("${etcd-prefix:/registry}") String etcdPrefix,
                         @Value("${secure-port:6443}") int securePort,
                         @Value("${bind-address:0.0.0.0}") String bindAddress,
                         @Value("${data-dir:${user.home}/.kapi}") String dataDir,
                         @Value("${write-kubeconfig:}") String writeKubeconfig,
                         @Value("${service-cluster-ip-range:10.96.0.0/12}") String serviceClusterIpRange,
                         @Value("${service-node-port-range:30000-32767}") String serviceNodePortRange) {
        this.etcdServers = Arrays.stream(etcdServers.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        this.etcdPrefix = etcdPrefix.endsWith("/") ? etcdPrefix.substring(0, etcdPrefix.length() - 1) : etcdPrefix;
        this.securePort = securePort;
        this.bindAddress = bindAddress;
        this.dataDir = Path.of(dataDir);
        this.writeKubeconfig = writeKubeconfig.isEmpty()
                ? this.dataDir.resolve("kubeconfig").toString() : writeKubeconfig;
        this.serviceClusterIpRange = serviceClusterIpRange;
        this.serviceNodePortRange = serviceNodePortRange;
    }

    /** {@code --etcd-servers}: etcd client URLs; empty means "start a local etcd in the data dir". */
    public List<String> etcdServers() {
        return etcdServers;
    }

    /** {@code --etcd-prefix}: the key prefix of every object, without a trailing slash ({@code /registry}). */
    public String etcdPrefix() {
        return etcdPrefix;
    }

    public int securePort() {
        return securePort;
    }

    public String bindAddress() {
        return bindAddress;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** {@code --write-kubeconfig}: where to write a kubeconfig for this server (default: data-dir/kubeconfig). */
    public String writeKubeconfig() {
        return writeKubeconfig;
    }

    public String serviceClusterIpRange() {
        return serviceClusterIpRange;
    }

    public String serviceNodePortRange() {
        return serviceNodePortRange;
    }
}
