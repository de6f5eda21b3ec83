package dev.kapi.apiserver.server;

import dev.kapi.apiserver.server.tls.Certificates;
import dev.kapi.apiserver.server.tls.Pem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code --requestheader-*} flags, read and refused as kube-apiserver reads and refuses them. */
class RequestHeaderOptionsTest {

    @TempDir
    Path dir;

    @Test
    void withoutTheCaFileThereIsNoFrontProxyWhateverTheOtherFlagsSay() {
        assertThat(new RequestHeaderOptions("", "front-proxy-client", "X-Remote-User", "X-Remote-Group",
                "X-Remote-Extra-").settings()).isEmpty();
    }

    @Test
    void theFlagsBecomeTheAuthenticatorsSettings() throws IOException {
        Path ca = dir.resolve("front-proxy-ca.crt");
        Files.writeString(ca, Pem.certificates(List.of(
                Certificates.selfSignedCa("front-proxy-ca", Duration.ofDays(1)).certificate())));
        assertThat(new RequestHeaderOptions(ca.toString(), " a , b", "X-Remote-User,X-Other", "X-Remote-Group", "")
                .settings()).hasValueSatisfying(s -> {
                    assertThat(s.cas()).hasSize(1);
                    assertThat(s.allowedNames()).containsExactly("a", "b");
                    assertThat(s.usernameHeaders()).containsExactly("X-Remote-User", "X-Other");
                    assertThat(s.groupHeaders()).containsExactly("X-Remote-Group");
                    assertThat(s.extraHeaderPrefixes()).isEmpty();
                });
    }

    @Test
    void aBlankCaFileIsNoFileRatherThanNoFrontProxy() {
        assertThatThrownBy(() -> new RequestHeaderOptions("  ", "", "X-Remote-User", "", ""))
                .isInstanceOf(StartupFailure.class).hasMessageContaining("no such file");
    }

    @Test
    void anEmptyEntryStopsTheServerWithKubesWords() {
        assertThatThrownBy(() -> new RequestHeaderOptions("", "", "X-Remote-User,,X-Other", "", ""))
                .isInstanceOf(StartupFailure.class)
                .hasMessage("--requestheader-username-headers: empty value in \"requestheader-username-headers\"");
        assertThatThrownBy(() -> new RequestHeaderOptions("", " ", "", "", ""))
                .isInstanceOf(StartupFailure.class).hasMessageContaining("requestheader-allowed-names");
    }

    @Test
    void aCaFileThatHoldsNoCertificateOrIsMissingStopsTheServer() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.crt"), "");
        assertThatThrownBy(() -> new RequestHeaderOptions(empty.toString(), "", "X-Remote-User", "", "").settings())
                .isInstanceOf(StartupFailure.class).hasMessage("--requestheader-client-ca-file " + empty + ": no certificate found");
        assertThatThrownBy(() -> new RequestHeaderOptions(dir.resolve("missing.crt").toString(), "", "X-Remote-User",
                "", "").settings()).isInstanceOf(StartupFailure.class)
                .hasMessage("--requestheader-client-ca-file: open " + dir.resolve("missing.crt")
                        + ": no such file or directory");
    }
}
