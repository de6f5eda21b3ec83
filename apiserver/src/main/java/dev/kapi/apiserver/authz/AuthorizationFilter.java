package dev.kapi.apiserver.authz;

import dev.kapi.apiserver.api.GroupResource;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.api.StatusResponses;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.filters.RequestInfo;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** The authorization stage: the authorizer allows the request or it ends here with 403. */
public final class AuthorizationFilter extends HttpFilter {

    private final Authorizer authorizer;

    public AuthorizationFilter(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        RequestInfo info = (RequestInfo) req.getAttribute(RequestInfo.ATTRIBUTE);
        UserInfo user = (UserInfo) req.getAttribute(UserInfo.ATTRIBUTE);
        AuthorizationAttributes attributes = AuthorizationAttributes.of(user, info);
        Decision decision = authorizer.authorize(attributes);
        if (decision.allowed()) {
            chain.doFilter(req, res);
            return;
        }
        String reason = ForbiddenMessages.reason(attributes, decision.reason());
        if (!info.resourceRequest()) {
            StatusResponses.write(res, StatusError.status(403, "Forbidden", "forbidden: " + reason, null));
            return;
        }
        GroupResource gr = new GroupResource(info.apiGroup(), info.resource());
        StatusResponses.write(res, StatusError.forbidden(gr, info.name(), reason).status());
    }
}
