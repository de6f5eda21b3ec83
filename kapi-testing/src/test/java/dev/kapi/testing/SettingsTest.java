package dev.kapi.testing;

import dev.kapi.testing.example.Greeting;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The options of {@link KapiTest}, each on a server of its own. */
class SettingsTest {

    @Nested
    @KapiTest(authorizationMode = "AlwaysAllow", crdClasses = Greeting.class)
    class AlwaysAllowWithACrdGeneratedFromAClass {

        KapiServer kapi;

        @Test
        void anyUserMayWriteAndTheGeneratedCrdIsServed() {
            KubernetesClient anyone = kapi.client("anyone");
            anyone.resource(Greeting.of("hi", "hello")).create();
            assertThat(anyone.resources(Greeting.class).withName("hi").get().getSpec().getMessage()).isEqualTo("hello");
        }
    }

    @Nested
    @KapiTest(enableAdmissionPlugins = "AlwaysDeny")
    class AnAdmissionPluginTurnedOn {

        KubernetesClient client;

        @Test
        void alwaysDenyRefusesEveryWrite() {
            // (the server's own bootstrap writes are refused too: even the namespace "default" is missing)
            assertThatThrownBy(() -> client.namespaces().resource(new NamespaceBuilder().withNewMetadata()
                    .withName("no").endMetadata().build()).create())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
        }
    }

    /** Two classes asking for the same settings with {@link KapiTest.Scope#SHARED}: one server for both. */
    static final Map<String, URI> SHARED = new ConcurrentHashMap<>();

    @Nested
    @KapiTest(scope = KapiTest.Scope.SHARED, flags = "--watch-cache=false")
    class SharedOne {

        @Test
        void sharesItsServer(KapiServer kapi) {
            assertSharedWith("one", "two", kapi);
        }
    }

    @Nested
    @KapiTest(scope = KapiTest.Scope.SHARED, flags = "--watch-cache=false")
    class SharedTwo {

        @Test
        void sharesItsServer(KapiServer kapi) {
            assertSharedWith("two", "one", kapi);
        }
    }

    @Nested
    @KapiTest(scope = KapiTest.Scope.SHARED, flags = "--watch-cache=true")
    class SharedWithOtherSettings {

        @Test
        void getsAServerOfItsOwn(KapiServer kapi) {
            SHARED.put("other", kapi.url());
            assertThat(kapi.url()).isNotIn(SHARED.get("one"), SHARED.get("two"));
        }
    }

    @Test
    void flagsThatAttributesSetAreRefused() {
        @KapiTest(flags = "--authorization-mode=AlwaysAllow")
        final class Misconfigured {
        }
        assertThatThrownBy(() -> ServerSettings.of(Misconfigured.class.getAnnotation(KapiTest.class)).serverFlags())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("authorizationMode");
    }

    private static void assertSharedWith(String me, String other, KapiServer kapi) {
        SHARED.put(me, kapi.url());
        // whichever of the two runs second compares; the class with other settings, whenever it ran, differs
        if (SHARED.containsKey(other)) {
            assertThat(SHARED.get(other)).isEqualTo(kapi.url());
        }
        if (SHARED.containsKey("other")) {
            assertThat(SHARED.get("other")).isNotEqualTo(kapi.url());
        }
    }
}
