package dev.kapi.apiserver.endpoints.discovery;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.mock.web.MockHttpServletResponse;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class HealthHandlerTest {

    /**
     * Storage as the checks see it: "up", "down" (not answering), "full" (answering, its disk full) or "listing"
     * (up, the request path's informers not listed yet).
     */
    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("/healthz", "", "up", 200, "ok"),
                arguments("/livez", "", "up", 200, "ok"),
                arguments("/readyz", "", "up", 200, "ok"),
                arguments("/readyz", "verbose", "up", 200,
                        "[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]etcd-readiness ok\n[+]informer-sync ok\n[+]poststarthook/crd-informer-synced ok\n[+]storage-space ok\n[+]shutdown ok\n"
                                + "readyz check passed\n"),
                arguments("/livez", "verbose", "up", 200, "[+]ping ok\n[+]log ok\n[+]etcd ok\nlivez check passed\n"),
                arguments("/healthz", "verbose", "down", 500,
                        "[+]ping ok\n[+]log ok\n[-]etcd failed: reason withheld\nhealthz check failed\n"),
                arguments("/readyz", "", "down", 500,
                        "[+]ping ok\n[+]log ok\n[-]etcd failed: reason withheld\n"
                                + "[-]etcd-readiness failed: reason withheld\n[+]informer-sync ok\n[+]poststarthook/crd-informer-synced ok\n[+]storage-space ok\n[+]shutdown ok\nreadyz check failed\n"),
                arguments("/livez", "exclude=etcd&verbose", "down", 200,
                        "[+]ping ok\n[+]log ok\n[+]etcd excluded: ok\nlivez check passed\n"),
                arguments("/livez", "exclude=nope", "up", 200, "ok"),
                arguments("/livez", "exclude=nope&verbose", "up", 200,
                        "[+]ping ok\n[+]log ok\n[+]etcd ok\nwarn: some health checks cannot be excluded: "
                                + "no matches for \"nope\"\nlivez check passed\n"),
                arguments("/livez/ping", "", "down", 200, "ok"),
                arguments("/readyz/etcd", "", "up", 200, "ok"),
                arguments("/readyz/etcd", "", "down", 500, "internal server error: etcd check failed\n"),
                // a full disk: not ready (writes fail), yet alive and answering reads
                arguments("/readyz", "", "full", 500,
                        "[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]etcd-readiness ok\n[+]informer-sync ok\n[+]poststarthook/crd-informer-synced ok\n"
                                + "[-]storage-space failed: reason withheld\n[+]shutdown ok\nreadyz check failed\n"),
                arguments("/readyz/storage-space", "", "full", 500,
                        "internal server error: storage-space check failed\n"),
                arguments("/livez", "", "full", 200, "ok"),
                // informers still making their first lists (after a restart at scale): alive, not ready yet
                arguments("/readyz", "", "listing", 500,
                        "[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]etcd-readiness ok\n"
                                + "[-]informer-sync failed: reason withheld\n[+]poststarthook/crd-informer-synced ok\n"
                                + "[+]storage-space ok\n[+]shutdown ok\n"
                                + "readyz check failed\n"),
                arguments("/readyz/informer-sync", "", "listing", 500,
                        "internal server error: informer-sync check failed\n"),
                arguments("/livez", "", "listing", 200, "ok"),
                // stored CRDs not served yet: not ready (kube's poststarthook/crd-informer-synced)
                arguments("/readyz", "", "crds", 500,
                        "[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]etcd-readiness ok\n[+]informer-sync ok\n"
                                + "[-]poststarthook/crd-informer-synced failed: reason withheld\n[+]storage-space ok\n"
                                + "[+]shutdown ok\nreadyz check failed\n"),
                arguments("/readyz/poststarthook/crd-informer-synced", "", "crds", 500,
                        "internal server error: poststarthook/crd-informer-synced check failed\n"),
                arguments("/readyz/poststarthook/crd-informer-synced", "", "up", 200, "ok"),
                arguments("/healthz", "", "full", 200, "ok"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void healthEndpoints(String path, String query, String storage, int code, String body) throws Exception {
        HealthHandler handler = new HealthHandler(() -> !storage.equals("down"), () -> !storage.equals("full"),
                () -> !storage.equals("listing"), () -> !storage.equals("crds"), () -> false);
        String[] params = query.isEmpty() ? new String[0] : Stream.of(query.split("&"))
                .flatMap(p -> Stream.of(p.contains("=") ? p.split("=", 2) : new String[]{p, ""}))
                .toArray(String[]::new);
        MockHttpServletResponse res = TestResources.get(handler, path, null, params);
        assertThat(res.getStatus()).isEqualTo(code);
        assertThat(res.getContentAsString()).isEqualTo(body);
        assertThat(res.getContentType()).startsWith("text/plain");
    }

    @ParameterizedTest
    @CsvSource({"GET, /healthz, true", "GET, /readyz/etcd, true", "HEAD, /livez, true",
            "POST, /healthz, false", "GET, /healthzz, false", "GET, /version, false"})
    void matches(String method, String path, boolean expected) {
        assertThat(new HealthHandler(() -> true, () -> true, () -> true, () -> true, () -> false).matches(method, path)).isEqualTo(expected);
    }

    /** From SIGTERM on, /readyz fails (kube's shutdown check) while /healthz and /livez still pass. */
    @ParameterizedTest
    @CsvSource({"/readyz, 500", "/readyz/shutdown, 500", "/livez, 200", "/healthz, 200"})
    void shuttingDownFailsReadinessOnly(String path, int code) throws Exception {
        HealthHandler handler = new HealthHandler(() -> true, () -> true, () -> true, () -> true, () -> true);
        MockHttpServletResponse res = TestResources.get(handler, path, null);
        assertThat(res.getStatus()).isEqualTo(code);
        if (path.equals("/readyz")) {
            assertThat(res.getContentAsString()).contains("[-]shutdown failed: reason withheld\n");
        }
    }

    @ParameterizedTest
    @CsvSource({"/readyz/nope", "/livez/etcd-readiness", "/livez/storage-space", "/livez/informer-sync",
            "/readyz/poststarthook", "/livez/poststarthook/crd-informer-synced"})
    void unknownCheckIsNotFound(String path) throws Exception {
        assertThat(TestResources.get(new HealthHandler(() -> true, () -> true, () -> true, () -> true, () -> false), path, null).getStatus()).isEqualTo(404);
    }
}
