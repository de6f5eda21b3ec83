package dev.kapi.apiserver.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContinueTokensTest {

    private static String token(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void encodesLikeKubeApiserver() {
        String token = ContinueTokens.encode("/registry/pods/", "/registry/pods/default/web\u0000", 42);
        String json = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("{\"v\":\"meta.k8s.io/v1\",\"rv\":42,\"start\":\"default/web\\u0000\"}");
        assertThat(token).doesNotContain("=", "+", "/");
    }

    @Test
    void decodesWhatItEncodes() {
        String token = ContinueTokens.encode("/registry/pods/", "/registry/pods/default/web\u0000", 42);
        assertThat(ContinueTokens.decode(token, "/registry/pods/"))
                .isEqualTo(new ContinueTokens.Position("/registry/pods/default/web\u0000", 42));
    }

    @Test
    void decodesATokenWrittenByKube() {
        // {"v":"meta.k8s.io/v1","rv":7,"start":"a\u0000"} as kube-apiserver encodes it
        String kube = "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6Nywic3RhcnQiOiJhXHUwMDAwIn0";
        assertThat(ContinueTokens.decode(kube, "/p/")).isEqualTo(new ContinueTokens.Position("/p/a\u0000", 7));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not base64         | %%%                                                 | continue key is not valid: illegal base64 data at input byte 0",
        "not an object      | '[1]'                                               | continue key is not valid: json: cannot unmarshal array into Go value of type storage.continueToken",
        "no JSON            | x                                                   | continue key is not valid: invalid character 'x' looking for beginning of value",
        "a string revision  | '{\"v\":\"meta.k8s.io/v1\",\"rv\":\"3\",\"start\":\"a\"}' | continue key is not valid: json: cannot unmarshal string into Go struct field continueToken.rv of type int64",
        "unknown version    | '{\"v\":\"v2\",\"rv\":1,\"start\":\"a\"}'            | continue key is not valid: server does not recognize this encoded version",
        "no revision        | '{\"v\":\"meta.k8s.io/v1\",\"start\":\"a\"}'         | incorrect encoded start resourceVersion",
        "empty start        | '{\"v\":\"meta.k8s.io/v1\",\"rv\":3,\"start\":\"\"}' | encoded start key empty",
        "climbs out         | '{\"v\":\"meta.k8s.io/v1\",\"rv\":3,\"start\":\"../x\"}' | continue key is not valid: ../x",
        "dot segment        | '{\"v\":\"meta.k8s.io/v1\",\"rv\":3,\"start\":\"a/./b\"}' | continue key is not valid: a/./b",
    })
    void rejectsInvalidTokens(String name, String json, String message) {
        String token = json.startsWith("%") ? json : token(json);
        assertThatThrownBy(() -> ContinueTokens.decode(token, "/p/"))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.code()).isEqualTo(StorageException.Code.INVALID_CONTINUE);
                    assertThat(e.getMessage()).contains(message);
                });
    }
}
