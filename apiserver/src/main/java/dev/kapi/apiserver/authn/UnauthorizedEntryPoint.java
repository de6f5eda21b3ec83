package dev.kapi.apiserver.authn;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.api.StatusResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

import java.io.IOException;

/** Answers a request nobody could authenticate as kube-apiserver does: a 401 {@code Unauthorized} Status. */
public final class UnauthorizedEntryPoint implements AuthenticationEntryPoint {

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        StatusResponses.write(request, response, StatusError.status(401, "Unauthorized", "Unauthorized", null));
    }
}
