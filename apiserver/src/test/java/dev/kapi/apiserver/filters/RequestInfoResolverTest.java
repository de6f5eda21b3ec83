package dev.kapi.apiserver.filters;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request info as kube-apiserver's {@code RequestInfoFactory} derives it, from the decoded path: each row is
 * method, path, then verb, namespace, resource, name, subresource, namespace object, extra segments
 * ({@code -} for none).
 */
class RequestInfoResolverTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "GET|/api/v1/namespaces/a/configmaps|list|a|configmaps|-|-|false|false",
            "GET|/api/v1/namespaces/a/configmaps/x|get|a|configmaps|x|-|false|false",
            "GET|/api/v1/namespaces/a/config%6Daps/x|get|a|configmaps|x|-|false|false",
            "POST|/api/v1/namespaces/a/configmaps/x|create|a|configmaps|x|-|false|false",
            "DELETE|/api/v1/namespaces/a/configmaps|deletecollection|a|configmaps|-|-|false|false",
            "PUT|/api/v1/namespaces/a/pods/p/status|update|a|pods|p|status|false|false",
            "GET|/api/v1/namespaces/a/pods/p/status/extra|get|a|pods|p|status|false|true",
            "GET|/api/v1/configmaps|list|-|configmaps|-|-|false|false",
            "GET|/api/v1/watch/namespaces/a/configmaps|watch|a|configmaps|-|-|false|false",
            "GET|/api/v1/namespaces|list|-|namespaces|-|-|false|false",
            "GET|/api/v1/namespaces/a|get|a|namespaces|a|-|true|false",
            "DELETE|/api/v1/namespaces/a|delete|a|namespaces|a|-|true|false",
            "PUT|/api/v1/namespaces/a/finalize|update|a|namespaces|a|finalize|true|false",
            "GET|/api/v1/namespaces/a/status|get|a|namespaces|a|status|true|false",
            // kube reads these as resources in namespace a; no route serves them
            "GET|/api/v1/namespaces/a/namespaces|list|a|namespaces|-|-|false|false",
            "GET|/api/v1/namespaces/a/namespaces/b|get|a|namespaces|b|-|false|false",
            "GET|/apis/apps/v1/namespaces/a/deployments/d/scale|get|a|deployments|d|scale|false|false",
            // the GET that opens a WebSocket to a pod's stream is authorized as create (kube's
            // AuthorizePodWebsocketUpgradeCreatePermission); logs and proxy stay get
            "GET|/api/v1/namespaces/a/pods/p/exec|create|a|pods|p|exec|false|false",
            "GET|/api/v1/namespaces/a/pods/p/attach|create|a|pods|p|attach|false|false",
            "GET|/api/v1/namespaces/a/pods/p/portforward|create|a|pods|p|portforward|false|false",
            "POST|/api/v1/namespaces/a/pods/p/exec|create|a|pods|p|exec|false|false",
            "GET|/api/v1/namespaces/a/pods/p/log|get|a|pods|p|log|false|false",
            "GET|/api/v1/namespaces/a/pods/p/proxy|get|a|pods|p|proxy|false|false",
            "GET|/apis/example.com/v1/namespaces/a/pods/p/exec|get|a|pods|p|exec|false|false"})
    void resourceRequests(String method, String path, String verb, String namespace, String resource, String name,
                          String subresource, boolean namespaceObject, boolean extra) {
        RequestInfo info = RequestInfoResolver.resolve(method, path, null, null);
        assertThat(info.resourceRequest()).isTrue();
        assertThat(info.verb()).isEqualTo(verb);
        assertThat(info.namespace()).isEqualTo(dash(namespace));
        assertThat(info.resource()).isEqualTo(resource);
        assertThat(info.name()).isEqualTo(dash(name));
        assertThat(info.subresource()).isEqualTo(dash(subresource));
        assertThat(info.isNamespaceObject()).isEqualTo(namespaceObject);
        assertThat(info.extraSegments()).isEqualTo(extra);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"GET|/version|get|/version", "GET|/api|get|/api", "GET|/api/v1|get|/api/v1",
            "GET|/apis/apps|get|/apis/apps", "GET|/apis/apps/v1|get|/apis/apps/v1", "GET|/healthz/|get|/healthz",
            "GET|/vers%69on|get|/version", "POST|/openapi/v3|post|/openapi/v3"})
    void nonResourceRequestsKeepTheDecodedPath(String method, String path, String verb, String decoded) {
        RequestInfo info = RequestInfoResolver.resolve(method, path, null, null);
        assertThat(info.resourceRequest()).isFalse();
        assertThat(info.verb()).isEqualTo(verb);
        assertThat(info.path()).isEqualTo(decoded);
    }

    /**
     * kube's request info: a list's or watch's {@code metadata.name} field selector names the object it is
     * authorized for, and a {@code /watch/} path's verb is not the query's, so it names none (nor carries selectors).
     */
    @org.junit.jupiter.api.Test
    void aSelectedNameIsTheQuerysListOrWatchOnly() {
        assertThat(RequestInfoResolver.resolve("GET", "/api/v1/namespaces/a/secrets", null, "x").name()).isEqualTo("x");
        assertThat(RequestInfoResolver.resolve("GET", "/api/v1/namespaces/a/secrets", "true", "x").name()).isEqualTo("x");
        RequestInfo legacy = RequestInfoResolver.resolve("GET", "/api/v1/watch/namespaces/a/secrets", null, "x");
        assertThat(legacy.verb()).isEqualTo("watch");
        assertThat(legacy.name()).isNull();
        assertThat(legacy.legacyWatch()).isTrue();
        assertThat(RequestInfoResolver.resolve("GET", "/api/v1/watch/namespaces/a/secrets/x", null, null).name())
                .isEqualTo("x");
    }

    private static String dash(String s) {
        return "-".equals(s) ? null : s;
    }
}
