package dev.kapi.apiserver.server;

import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.server.tls.Pem;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What is stored and what this server trusts merged as kube merges them: unions, no expired or repeated CA. */
class ClusterAuthenticationTrustTest {

    static final Certificates.Issued A = Certificates.selfSignedCa("a", Duration.ofDays(1));
    static final Certificates.Issued B = Certificates.selfSignedCa("b", Duration.ofDays(1));

    static String pem(Certificates.Issued... cas) {
        return Pem.certificates(java.util.Arrays.stream(cas).map(Certificates.Issued::certificate).toList());
    }

    @Test
    void listsAreUnitedAndBundlesJoinedWithoutRepeats() {
        Map<String, String> stored = Map.of("client-ca-file", pem(A), "requestheader-client-ca-file", pem(A),
                "requestheader-username-headers", "[\"X-Remote-User\",\"X-User\"]",
                "requestheader-allowed-names", "[]", "someone-elses-key", "x");
        Map<String, String> own = Map.of("client-ca-file", pem(B, A), "requestheader-client-ca-file", pem(B),
                "requestheader-username-headers", "[\"X-Remote-User\"]", "requestheader-group-headers",
                "[\"X-Remote-Group\"]", "requestheader-extra-headers-prefix", "[\"X-Remote-Extra-\"]",
                "requestheader-allowed-names", "[\"front-proxy-client\"]");
        Map<String, String> merged = ClusterAuthenticationTrust.merged(stored, own, Instant.now());
        assertThat(merged.get("client-ca-file")).isEqualTo(pem(A, B));
        assertThat(merged.get("requestheader-client-ca-file")).isEqualTo(pem(A, B));
        assertThat(merged.get("requestheader-username-headers")).isEqualTo("[\"X-Remote-User\",\"X-User\"]");
        assertThat(merged.get("requestheader-allowed-names")).isEqualTo("[\"front-proxy-client\"]");
        assertThat(merged).doesNotContainKey("someone-elses-key");
        assertThat(ClusterAuthenticationTrust.merged(merged, own, Instant.now())).as("stable").isEqualTo(merged);
    }

    @Test
    void expiredCasGoAndWithoutAFrontProxyCaItsSettingsGoToo() {
        Map<String, String> merged = ClusterAuthenticationTrust.merged(Map.of("client-ca-file", pem(A),
                "requestheader-username-headers", "[\"X-Remote-User\"]"), Map.of("client-ca-file", pem(B)),
                Instant.now().plus(Duration.ofDays(2)));
        assertThat(merged).isEmpty();
        Map<String, String> kept = ClusterAuthenticationTrust.merged(Map.of("client-ca-file", "not a PEM"),
                Map.of("client-ca-file", pem(B)), Instant.now());
        assertThat(kept).isEqualTo(Map.of("client-ca-file", pem(B)));
        assertThat(List.of(kept.get("client-ca-file"))).allSatisfy(p -> assertThat(p).startsWith("-----BEGIN"));
    }
}
