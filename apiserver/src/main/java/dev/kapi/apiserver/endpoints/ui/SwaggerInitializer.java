package dev.kapi.apiserver.endpoints.ui;

import jakarta.servlet.http.HttpServletRequest;
import org.springdoc.webmvc.ui.SwaggerIndexTransformer;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.web.servlet.resource.ResourceTransformerChain;
import org.springframework.web.servlet.resource.TransformedResource;

import java.io.IOException;
import java.io.InputStream;

/**
 * Replaces the Swagger UI's start-up script (springdoc's transformer of the webjar's
 * {@code swagger-initializer.js}) with this server's, {@code swagger-initializer.js} next to this class. The
 * script asks for a bearer token ("Authorize"), reads the {@code /openapi/v3} index with it and offers one
 * document per group-version (so new resources and CRDs appear as the registry changes), and sends the token
 * with every request the page makes. Other files pass unchanged.
 */
public final class SwaggerInitializer implements SwaggerIndexTransformer {

    private static final String FILE = "swagger-initializer.js";

    private final byte[] script;

    public SwaggerInitializer() {
        try (InputStream in = new ClassPathResource(FILE, SwaggerInitializer.class).getInputStream()) {
            this.script = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("the Swagger UI start-up script is missing: " + e.getMessage(), e);
        }
    }

    @Override
    public Resource transform(HttpServletRequest request, Resource resource, ResourceTransformerChain chain)
            throws IOException {
        Resource transformed = chain.transform(request, resource);
        if (FILE.equals(resource.getFilename())) {
            return new TransformedResource(transformed, script);
        }
        return transformed;
    }
}
