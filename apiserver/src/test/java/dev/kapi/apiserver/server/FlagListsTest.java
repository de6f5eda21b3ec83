package dev.kapi.apiserver.server;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Flags written as YAML lists in a configuration file read as their comma-separated form, never as unset. */
class FlagListsTest {

    @Test
    void aYamlListReadsAsTheCommaSeparatedFlag() {
        MockEnvironment env = new MockEnvironment()
                .withProperty("requestheader-allowed-names[0]", "front-proxy-client")
                .withProperty("requestheader-allowed-names[1]", "aggregator")
                .withProperty("etcd-servers[0]", "https://10.0.0.1:2379")
                .withProperty("tls-san", "a.example,b.example")
                .withProperty("tls-san[0]", "ignored.example")
                .withProperty("not-a-flag[0]", "x");
        new FlagLists().postProcessEnvironment(env, new SpringApplication());
        assertThat(env.getProperty("requestheader-allowed-names")).isEqualTo("front-proxy-client,aggregator");
        assertThat(env.getProperty("etcd-servers")).isEqualTo("https://10.0.0.1:2379");
        assertThat(env.getProperty("tls-san")).as("a value given as one string wins").isEqualTo("a.example,b.example");
        assertThat(env.getProperty("not-a-flag")).isNull();
        assertThat(env.getProperty("oidc-required-claim")).isNull();
    }

    /** The source of highest precedence decides, as Spring binds lists: never a mix of two files' entries. */
    @Test
    void theSourceOfHighestPrecedenceDecides() {
        MockEnvironment env = new MockEnvironment();
        env.getPropertySources().addLast(new org.springframework.core.env.MapPropertySource("base", java.util.Map.of(
                "tls-san[0]", "x.example", "tls-san[1]", "y.example", "etcd-servers", "https://base:2379",
                "api-audiences[0]", "base")));
        env.getPropertySources().addFirst(new org.springframework.core.env.MapPropertySource("override",
                java.util.Map.of("tls-san[0]", "a.example", "etcd-servers[0]", "https://override:2379",
                        "api-audiences", "cli-1,cli-2")));
        new FlagLists().postProcessEnvironment(env, new SpringApplication());
        assertThat(env.getProperty("tls-san")).isEqualTo("a.example");
        assertThat(env.getProperty("etcd-servers")).isEqualTo("https://override:2379");
        assertThat(env.getProperty("api-audiences")).isEqualTo("cli-1,cli-2");
    }

    /** A map, or a list of maps, would read as unset (an OIDC claim required by nobody): it stops the server. */
    @Test
    void aMapStopsTheServerWithOneLine() {
        for (String name : java.util.List.of("oidc-required-claim.tenant", "oidc-required-claim[0].tenant",
                "tls-san[1].x")) {
            MockEnvironment env = new MockEnvironment().withProperty(name, "acme");
            assertThatThrownBy(() -> new FlagLists().postProcessEnvironment(env, new SpringApplication()))
                    .as(name).isInstanceOf(StartupFailure.class).hasMessageContaining("is a map, not a value");
        }
        // names that merely start like a flag are not it
        MockEnvironment other = new MockEnvironment().withProperty("tls-san-extra.x", "a")
                .withProperty("logging.level.root", "info");
        new FlagLists().postProcessEnvironment(other, new SpringApplication());
    }

    @Test
    void aListThatCannotBeBoundStopsTheServerWithOneLine() {
        // a gap in the indexes: Spring's binder refuses the list
        MockEnvironment env = new MockEnvironment().withProperty("tls-san[0]", "a.example")
                .withProperty("tls-san[2]", "c.example");
        assertThatThrownBy(() -> new FlagLists().postProcessEnvironment(env, new SpringApplication()))
                .isInstanceOf(StartupFailure.class).hasMessageStartingWith("--tls-san: ");
    }

    @Test
    void anEmptyEntryStopsTheServer() {
        MockEnvironment env = new MockEnvironment()
                .withProperty("requestheader-group-headers[0]", "X-Remote-Group")
                .withProperty("requestheader-group-headers[1]", " ");
        assertThatThrownBy(() -> new FlagLists().postProcessEnvironment(env, new SpringApplication()))
                .isInstanceOf(StartupFailure.class)
                .hasMessage("--requestheader-group-headers: empty value in \"requestheader-group-headers\"");
    }
}
