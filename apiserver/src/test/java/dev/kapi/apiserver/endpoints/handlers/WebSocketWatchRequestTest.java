package dev.kapi.apiserver.endpoints.handlers;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;

/** Which watch requests ask for a WebSocket (kube's wsstream.IsWebSocketRequest). */
class WebSocketWatchRequestTest {

    @ParameterizedTest(name = "Upgrade: {0} / Connection: {1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "websocket | Upgrade            | true",
            "WebSocket | upgrade            | true",
            "websocket | keep-alive, Upgrade | true",
            "websocket | Upgrade, close     | true",
            "websocket | -                  | false",
            "websocket | keep-alive         | false",
            "h2c       | Upgrade            | false",
            "-         | Upgrade            | false",
            "-         | -                  | false"})
    void upgradeAndConnectionHeadersBothNeeded(String upgrade, String connection, boolean expected) {
        MockHttpServletRequest req = new MockHttpServletRequest("GET", "/api/v1/configmaps");
        if (upgrade != null) {
            req.addHeader("Upgrade", upgrade);
        }
        if (connection != null) {
            req.addHeader("Connection", connection);
        }
        assertThat(WebSocketHandshake.requested(req)).isEqualTo(expected);
    }
}
