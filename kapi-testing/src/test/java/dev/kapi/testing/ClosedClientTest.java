package dev.kapi.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An operator framework closes the client it was given when it stops (java-operator-sdk's default): with one test
 * instance for the class and no namespace per test, the next test still finds a working client in its field.
 */
@KapiTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClosedClientTest {

    KubernetesClient client;

    @Test
    @Order(1)
    void anOperatorStopsAndClosesItsClient() {
        assertThat(client.namespaces().withName("default").get()).isNotNull();
        client.close();
        assertThat(client.getHttpClient().isClosed()).isTrue();
    }

    @Test
    @Order(2)
    void theNextTestHasAWorkingClient() {
        assertThat(client.getHttpClient().isClosed()).isFalse();
        assertThat(client.namespaces().withName("default").get()).isNotNull();
    }
}
