package dev.kapi.apiserver.endpoints.tokens;

import dev.kapi.apiserver.authn.serviceaccount.ServiceAccountKeys;
import dev.kapi.apiserver.endpoints.PathHandler;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * GET {@code /openid/v1/jwks}: the public keys that verify ServiceAccount tokens as a JWK set, each with
 * kube's key id, served as {@code application/jwk-set+json}.
 */
public final class JwksHandler implements PathHandler {

    static final String PATH = "/openid/v1/jwks";

    private final byte[] document;

    public JwksHandler(ServiceAccountKeys keys) {
        this.document = keys.publicJwks().toString(true).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean matches(String method, String path) {
        return ("GET".equals(method) || "HEAD".equals(method)) && PATH.equals(path);
    }

    @Override
    public void handle(String path, HttpServletRequest request, HttpServletResponse response) throws IOException {
        writeCacheable(request, response, "application/jwk-set+json", document);
    }

    /** Writes a static document with kube's caching header (public, one hour). */
    static void writeCacheable(HttpServletRequest request, HttpServletResponse response, String contentType,
                               byte[] body) throws IOException {
        response.setStatus(200);
        response.setContentType(contentType);
        response.setHeader("Cache-Control", "public, max-age=3600");
        response.setContentLength(body.length);
        if (!"HEAD".equals(request.getMethod())) {
            try (OutputStream out = response.getOutputStream()) {
                out.write(body);
            }
        }
    }

    @Override
    public List<String> listedPaths() {
        return List.of(PATH);
    }
}
