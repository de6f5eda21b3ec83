package dev.kapi.apiserver.registry.core;

import dev.kapi.apiserver.api.StatusError;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceAllocationsTest {

    private final InMemoryCasStorage storage = new InMemoryCasStorage();

    /** The range flags as kube's PortRange and CIDR parsing read them, refused in a line naming the flag. */
    @Test
    void rangeFlags() {
        assertThat(NodePortRange.parse("30000+100")).isEqualTo(new NodePortRange("30000-30100", 30000, 101));
        assertThat(NodePortRange.parse("")).isEqualTo(NodePortRange.parse("30000-32767"));
        assertThat(NodePortRange.parse("30080")).isEqualTo(new NodePortRange("30080-30080", 30080, 1));
        assertThatThrownBy(() -> NodePortRange.parse("99999")).hasMessage("invalid argument \"99999\" for "
                + "\"--service-node-port-range\" flag: invalid port range 99999");
        assertThatThrownBy(() -> NodePortRange.parse("abc")).hasMessage("invalid argument \"abc\" for "
                + "\"--service-node-port-range\" flag: strconv.Atoi: parsing \"abc\": invalid syntax");
        assertThatThrownBy(() -> ServiceAllocations.checkRanges("10.96.0.0/12,fd00::/108", "30000-32767"))
                .hasMessageContaining("no dual-stack");
        assertThatThrownBy(() -> ServiceAllocations.checkRanges("10.96.0.0/abc", "30000-32767"))
                .hasMessage("service-cluster-ip-range[0] is not a valid cidr: 10.96.0.0/abc");
    }

    private ServiceAllocations allocations(String cidr) {
        return new ServiceAllocations(storage, "/registry", cidr, "30000-32767");
    }

    static Service svc(String name, String type, String clusterIp, Integer... nodePorts) {
        Service s = new Service();
        s.setMetadata(new ObjectMeta());
        s.getMetadata().setName(name);
        ServiceSpec spec = new ServiceSpec();
        spec.setType(type);
        spec.setClusterIP(clusterIp);
        List<ServicePort> ports = new ArrayList<>();
        for (int i = 0; i < Math.max(1, nodePorts.length); i++) {
            ServicePort p = new ServicePort();
            p.setName("p" + i);
            p.setPort(80 + i);
            p.setProtocol("TCP");
            p.setTargetPort(new IntOrString(80 + i));
            p.setNodePort(nodePorts.length > i ? nodePorts[i] : null);
            ports.add(p);
        }
        spec.setPorts(ports);
        s.setSpec(spec);
        return s;
    }

    @Test
    void allocatesUniqueIpsFromTheRangeNeverNetworkOrFirst() {
        ServiceAllocations a = allocations("10.0.0.0/29");
        Set<String> ips = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            Service s = svc("s" + i, "ClusterIP", null);
            a.allocate(s, false);
            ips.add(s.getSpec().getClusterIP());
            assertThat(s.getSpec().getClusterIPs()).containsExactly(s.getSpec().getClusterIP());
        }
        assertThat(ips).containsExactlyInAnyOrder("10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6");
        assertThatThrownBy(() -> a.allocate(svc("full", "ClusterIP", null), false))
                .isInstanceOfSatisfying(StatusError.class, e -> {
                    assertThat(e.code()).isEqualTo(500);
                    assertThat(e.getMessage()).isEqualTo("Internal error occurred: failed to allocate a serviceIP: range is full");
                });
    }

    @Test
    void requestedIpIsHonouredOnceAndCheckedAgainstTheRange() {
        ServiceAllocations a = allocations("10.96.0.0/12");
        Service first = svc("dns", "ClusterIP", "10.96.0.10");
        a.allocate(first, false);
        assertThat(first.getSpec().getClusterIP()).isEqualTo("10.96.0.10");
        assertThatThrownBy(() -> a.allocate(svc("again", "ClusterIP", "10.96.0.10"), false))
                .isInstanceOfSatisfying(StatusError.class, e -> {
                    assertThat(e.code()).isEqualTo(422);
                    assertThat(e.getMessage()).isEqualTo("Service \"again\" is invalid: spec.clusterIPs[0]: "
                            + "Invalid value: \"10.96.0.10\": provided IP is already allocated");
                });
        assertThatThrownBy(() -> a.allocate(svc("out", "ClusterIP", "192.168.0.1"), false))
                .hasMessageContaining("spec.clusterIPs[0]: Invalid value: \"192.168.0.1\": provided IP is not in the "
                        + "valid range. The range of valid IPs is 10.96.0.0/12");
        a.releaseAll(first);
        a.allocate(svc("again", "ClusterIP", "10.96.0.10"), false);
    }

    @Test
    void headlessAndExternalNameGetNoIp() {
        ServiceAllocations a = allocations("10.0.0.0/30");
        Service headless = svc("h", "ClusterIP", "None");
        a.allocate(headless, false);
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        Service ext = svc("e", "ExternalName", null);
        a.allocate(ext, false);
        assertThat(ext.getSpec().getClusterIP()).isNull();
        Service normal = svc("n", "ClusterIP", null);
        a.allocate(normal, false);
        assertThat(normal.getSpec().getClusterIP()).isEqualTo("10.0.0.2");
    }

    @Test
    void dryRunChecksButWritesNothing() {
        ServiceAllocations a = allocations("10.0.0.0/29");
        Service s = svc("s", "NodePort", "10.0.0.2", 30080);
        a.allocate(s, true);
        a.allocate(svc("s2", "NodePort", "10.0.0.2", 30080), true);
        a.allocate(svc("real", "NodePort", "10.0.0.2", 30080), false);
        assertThatThrownBy(() -> a.allocate(svc("s3", "NodePort", null, 30080), true))
                .hasMessageContaining("spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated");
    }

    @Test
    void nodePortsAllocatedRequestedAndReleasedWithTheIpOnFailure() {
        ServiceAllocations a = allocations("10.0.0.0/29");
        Service np = svc("np", "NodePort", null, null, 30100);
        a.allocate(np, false);
        assertThat(np.getSpec().getPorts().get(0).getNodePort()).isBetween(30000, 32767).isNotEqualTo(30100);
        assertThat(np.getSpec().getPorts().get(1).getNodePort()).isEqualTo(30100);

        Service clash = svc("clash", "NodePort", "10.0.0.6", 30100);
        assertThatThrownBy(() -> a.allocate(clash, false))
                .hasMessageContaining("spec.ports[0].nodePort: Invalid value: 30100: provided port is already allocated");
        // the IP taken before the port failed was given back
        a.allocate(svc("ip-free", "ClusterIP", "10.0.0.6"), false);
        assertThatThrownBy(() -> a.allocate(svc("range", "NodePort", null, 80), false))
                .hasMessageContaining("provided port is not in the valid range. The range of valid ports is 30000-32767");
    }

    @Test
    void typeChangesKeepIpGainAndReleaseNodePorts() {
        ServiceAllocations a = allocations("10.0.0.0/29");
        Service old = svc("s", "ClusterIP", null);
        a.allocate(old, false);
        String ip = old.getSpec().getClusterIP();

        Service asNodePort = svc("s", "NodePort", ip);
        a.allocate(asNodePort, old, false);
        int port = asNodePort.getSpec().getPorts().get(0).getNodePort();
        assertThat(port).isBetween(30000, 32767);

        Service back = svc("s", "ClusterIP", ip);
        a.allocate(back, asNodePort, false);
        a.releaseDifference(asNodePort, back);
        // the node port is free again, the IP is still held
        a.allocate(svc("other", "NodePort", null, port), false);
        assertThatThrownBy(() -> a.allocate(svc("x", "ClusterIP", ip), false))
                .hasMessageContaining("provided IP is already allocated");
    }

    @Test
    void twoAllocatorsSharingStorageNeverCollide() throws Exception {
        ServiceAllocations one = allocations("10.0.0.0/24");
        ServiceAllocations two = allocations("10.0.0.0/24");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<String> ips = Collections.synchronizedList(new ArrayList<>());
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ServiceAllocations a = i % 2 == 0 ? one : two;
            int n = i;
            futures.add(pool.submit(() -> {
                Service s = svc("s" + n, "ClusterIP", null);
                a.allocate(s, false);
                ips.add(s.getSpec().getClusterIP());
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        assertThat(ips).hasSize(200).doesNotHaveDuplicates();
    }
}
