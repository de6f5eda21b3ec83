package dev.kapi.apiserver.authz;

import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.filters.RequestInfo;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;

import java.util.Optional;

/**
 * The authorization stage's "yes" for one request: who was allowed to do what ({@link RequestInfo}), on which
 * method and raw URI. The authorization stage leaves it on the request when, and only when, the authorizer
 * allowed it; the API handler serves nothing without it, and serves exactly what it names.
 *
 * <p>{@link #of} finds the decision only for the container's first (REQUEST) dispatch of that very request:
 * an error page, forward, include or async re-dispatch of the same request object, which would still carry
 * the attribute, gets nothing and so is never served as an API request.
 */
public record AuthorizedRequest(UserInfo user, RequestInfo info, String method, String requestUri) {

    public static final String ATTRIBUTE = AuthorizedRequest.class.getName();

    /** Records the allowed decision on the request it was made for. */
    static void record(HttpServletRequest req, UserInfo user, RequestInfo info) {
        req.setAttribute(ATTRIBUTE, new AuthorizedRequest(user, info, req.getMethod(), req.getRequestURI()));
    }

    /**
     * The decision made for this request, if authorization ran for it and allowed it: present only on a
     * REQUEST dispatch whose method, raw URI and request info are those the decision was made for.
     */
    public static Optional<AuthorizedRequest> of(HttpServletRequest req) {
        if (req.getDispatcherType() != DispatcherType.REQUEST
                || !(req.getAttribute(ATTRIBUTE) instanceof AuthorizedRequest decision)) {
            return Optional.empty();
        }
        boolean same = decision.method().equals(req.getMethod()) && decision.requestUri().equals(req.getRequestURI())
                && decision.info() == req.getAttribute(RequestInfo.ATTRIBUTE);
        return same ? Optional.of(decision) : Optional.empty();
    }
}
