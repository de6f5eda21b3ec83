package dev.kapi.apiserver.endpoints.tokens;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.endpoints.PathHandler;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GET {@code /.well-known/openid-configuration}: the OIDC discovery document of the ServiceAccount token
 * issuer, so that relying parties can verify ServiceAccount tokens (kube's ServiceAccountIssuerDiscovery).
 */
public final class OpenIdConfigurationHandler implements PathHandler {

    static final String PATH = "/.well-known/openid-configuration";

    private final byte[] document;

    public OpenIdConfigurationHandler(String issuer) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", issuer);
        doc.put("jwks_uri", issuer + JwksHandler.PATH);
        doc.put("response_types_supported", List.of("id_token"));
        doc.put("subject_types_supported", List.of("public"));
        doc.put("id_token_signing_alg_values_supported", List.of("RS256"));
        this.document = Json.bytes(doc);
    }

    @Override
    public boolean matches(String method, String path) {
        return ("GET".equals(method) || "HEAD".equals(method)) && PATH.equals(path);
    }

    @Override
    public void handle(String path, HttpServletRequest request, HttpServletResponse response) throws IOException {
        JwksHandler.writeCacheable(request, response, "application/json", document);
    }

    @Override
    public List<String> listedPaths() {
        return List.of(PATH);
    }
}
