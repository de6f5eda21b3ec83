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
