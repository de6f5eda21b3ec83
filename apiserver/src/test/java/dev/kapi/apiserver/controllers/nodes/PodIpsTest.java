package dev.kapi.apiserver.controllers.nodes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Pod addresses of the simulated nodes and the runtime's image ids, as tables. */
class PodIpsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "10.244.0.0/24|10.244.0.2",
            "10.244.3.0/24|10.244.3.2",
            "10.244.3.77/24|10.244.3.2",
            "null|10.240.0.2",
            "fd00::/64|10.240.0.2",
            "10.0.0.0/31|10.240.0.2"})
    void theFirstPodGetsTheNetworkPlusTwo(String cidr, String ip) {
        assertThat(new PodIps().allocate("uid", cidr, List.of())).isEqualTo(ip);
    }

    @Test
    void addressesInUseOrHeldAreSkippedUntilReleased() {
        PodIps ips = new PodIps();
        assertThat(ips.allocate("a", "10.244.0.0/24", List.of("10.244.0.2"))).isEqualTo("10.244.0.3");
        assertThat(ips.allocate("a", "10.244.0.0/24", List.of())).as("held for its pod").isEqualTo("10.244.0.3");
        assertThat(ips.allocate("b", "10.244.0.0/24", List.of())).isEqualTo("10.244.0.2");
        ips.release("a");
        assertThat(ips.allocate("c", "10.244.0.0/24", List.of("10.244.0.2"))).isEqualTo("10.244.0.3");
        assertThat(new PodIps().allocate("d", "10.244.0.0/30", List.of("10.244.0.2"))).as("full").isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "nginx|docker.io/library/nginx",
            "nginx:1.27|docker.io/library/nginx",
            "bitnami/redis:7|docker.io/bitnami/redis",
            "registry.k8s.io/pause:3.10|registry.k8s.io/pause",
            "localhost:5000/app:v1|localhost:5000/app",
            "quay.io/a/b@sha256:0123|quay.io/a/b"})
    void imageIdsNameTheRepository(String image, String repository) {
        assertThat(PodStatuses.imageId(image)).matches(java.util.regex.Pattern.quote(repository)
                + "@sha256:[0-9a-f]{64}");
    }
}
