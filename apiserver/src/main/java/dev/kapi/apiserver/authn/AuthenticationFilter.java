package dev.kapi.apiserver.authn;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.api.StatusResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** The authentication stage: asks each authenticator in turn and leaves the user on the request; none → 401. */
public final class AuthenticationFilter extends HttpFilter {

    private final List<Authenticator> authenticators;

    public AuthenticationFilter(List<Authenticator> authenticators) {
        this.authenticators = List.copyOf(authenticators);
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        for (Authenticator a : authenticators) {
            Optional<UserInfo> user = a.authenticate(req);
            if (user.isPresent()) {
                req.setAttribute(UserInfo.ATTRIBUTE, user.get());
                chain.doFilter(req, res);
                return;
            }
        }
        StatusResponses.write(res, StatusError.status(401, "Unauthorized", "Unauthorized", null));
    }
}
