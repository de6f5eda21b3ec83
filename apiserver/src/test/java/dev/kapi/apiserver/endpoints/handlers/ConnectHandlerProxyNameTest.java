package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.StatusError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A proxy request's name is read as kube's SplitSchemeNamePort reads it. */
class ConnectHandlerProxyNameTest {

    @ParameterizedTest
    @CsvSource({"web,web", "web:8080,web", "https:web:443,web", "http:web:80,web", ":web:80,web", "web:,web"})
    void theObjectNamedIs(String id, String name) {
        assertThat(ConnectHandler.proxiedName(id, "pods")).isEqualTo(name);
    }

    @ParameterizedTest
    @CsvSource({"ftp:web:21,pods,pod", "a:b:c:d,services,service", ":8080,nodes,node"})
    void anythingElseIsKubesBadRequest(String id, String resource, String kind) {
        assertThatThrownBy(() -> ConnectHandler.proxiedName(id, resource)).isInstanceOf(StatusError.class)
                .hasMessage("invalid " + kind + " request \"" + id + "\"")
                .satisfies(e -> assertThat(((StatusError) e).code()).isEqualTo(400));
    }
}
