package dev.kapi.apiserver.endpoints.tokens;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.authn.serviceaccount.ServiceAccountKeys;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DiscoveryDocumentsTest {

    static final String ISSUER = "https://kubernetes.default.svc.cluster.local";

    @Test
    void servesTheOpenIdConfiguration() throws Exception {
        OpenIdConfigurationHandler handler = new OpenIdConfigurationHandler(ISSUER);
        assertThat(handler.matches("GET", "/.well-known/openid-configuration")).isTrue();
        assertThat(handler.matches("POST", "/.well-known/openid-configuration")).isFalse();
        assertThat(handler.matches("GET", "/.well-known/other")).isFalse();

        MockHttpServletResponse res = get(handler, "/.well-known/openid-configuration");

        assertThat(res.getStatus()).isEqualTo(200);
        assertThat(res.getContentType()).isEqualTo("application/json");
        assertThat(res.getHeader("Cache-Control")).isEqualTo("public, max-age=3600");
        assertThat(Json.MAPPER.readTree(res.getContentAsString())).isEqualTo(Json.MAPPER.readTree("""
                {"issuer": "https://kubernetes.default.svc.cluster.local",
                 "jwks_uri": "https://kubernetes.default.svc.cluster.local/openid/v1/jwks",
                 "response_types_supported": ["id_token"],
                 "subject_types_supported": ["public"],
                 "id_token_signing_alg_values_supported": ["RS256"]}"""));
    }

    @Test
    void servesThePublicKeysAsAJwkSet() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair signing = g.generateKeyPair();
        KeyPair previous = g.generateKeyPair();
        ServiceAccountKeys keys = new ServiceAccountKeys(signing.getPrivate(), signing.getPublic(),
                List.of(signing.getPublic(), previous.getPublic()));
        JwksHandler handler = new JwksHandler(keys);
        assertThat(handler.matches("GET", "/openid/v1/jwks")).isTrue();

        MockHttpServletResponse res = get(handler, "/openid/v1/jwks");

        assertThat(res.getStatus()).isEqualTo(200);
        assertThat(res.getContentType()).isEqualTo("application/jwk-set+json");
        JsonNode json = Json.MAPPER.readTree(res.getContentAsString());
        assertThat(json.path("keys")).hasSize(2);
        assertThat(json.path("keys").get(0).has("d")).isFalse();
        JWKSet set = JWKSet.parse(res.getContentAsString());
        RSAKey current = (RSAKey) set.getKeyByKeyId(ServiceAccountKeys.keyId(signing.getPublic()));
        assertThat(current.toRSAPublicKey()).isEqualTo((RSAPublicKey) signing.getPublic());
        assertThat(current.getKeyUse().identifier()).isEqualTo("sig");
        assertThat(current.getAlgorithm().getName()).isEqualTo("RS256");
        assertThat(set.getKeyByKeyId(ServiceAccountKeys.keyId(previous.getPublic()))).isNotNull();
    }

    private static MockHttpServletResponse get(dev.kapi.apiserver.endpoints.PathHandler handler, String path)
            throws Exception {
        MockHttpServletResponse res = new MockHttpServletResponse();
        handler.handle(path, new MockHttpServletRequest("GET", path), res);
        return res;
    }
}
