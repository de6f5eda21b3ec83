package dev.kapi.apiserver.authz;

import dev.kapi.apiserver.audit.AuditContext;
import dev.kapi.apiserver.authn.UserAuthentication;
import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.filters.RequestInfo;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

import java.util.function.Supplier;

/**
 * The authorization stage inside Spring Security: asks the {@link Authorizer} (the {@code --authorization-mode}
 * chain) about the request's user and {@link RequestInfo}. A denial carries the attributes and the reason so
 * the {@link ForbiddenHandler} can word the 403 as kube-apiserver does; an allowed request carries its
 * {@link AuthorizedRequest}, without which the API handler serves nothing. Only the container's REQUEST
 * dispatch is decided on: any re-dispatch (error page, forward, include, async) is denied. The decision and its
 * reason are the audit event's {@code authorization.k8s.io/decision} and {@code authorization.k8s.io/reason}. When
 * no authorizer allows and one failed (a webhook that could not be asked), the request gets kube's 500.
 */
public final class RequestAuthorizationManager implements AuthorizationManager<RequestAuthorizationContext> {

    /** kube's audit annotations of the authorization decision ({@code allow} or {@code forbid}) and its reason. */
    static final String DECISION_ANNOTATION = "authorization.k8s.io/decision";
    static final String REASON_ANNOTATION = "authorization.k8s.io/reason";
    /** kube's reason annotation when an authorizer failed ({@code reasonError}). */
    static final String ERROR_REASON = "internal error";

    private final Authorizer authorizer;

    public RequestAuthorizationManager(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    @Override
    public AuthorizationResult authorize(Supplier<? extends Authentication> authentication,
                                         RequestAuthorizationContext context) {
        HttpServletRequest req = context.getRequest();
        RequestInfo info = (RequestInfo) req.getAttribute(RequestInfo.ATTRIBUTE);
        UserInfo user = UserAuthentication.userOf(authentication.get());
        if (info == null || user == null) {
            return new AuthorizerDecision(false, null, "no request info or user");
        }
        if (req.getDispatcherType() != DispatcherType.REQUEST) {
            return new AuthorizerDecision(false, null, "only the request itself is authorized, not a "
                    + req.getDispatcherType() + " dispatch");
        }
        // the query's only (RequestInfoFilter); kube leaves them out for a verb given by the path (/watch/...)
        AuthorizationAttributes attributes = AuthorizationAttributes.of(user, info).withSelectors(info.legacyWatch()
                ? AuthorizationSelectors.NONE : AuthorizationSelectors.ofRequest(info.verb(),
                req.getParameter("fieldSelector"), req.getParameter("labelSelector")));
        Decision decision = authorizer.authorize(attributes);
        AuditContext audit = AuditContext.of(req);
        if (decision.allowed()) {
            audit.annotate(DECISION_ANNOTATION, "allow");
            audit.annotate(REASON_ANNOTATION, decision.reason());
            AuthorizedRequest.record(req, user, info);
            return new AuthorizerDecision(true, attributes, decision.reason());
        }
        if (decision.error() != null) { // kube: an authorizer that failed, and none allowed: a 500
            audit.annotate(REASON_ANNOTATION, ERROR_REASON);
            return new AuthorizerDecision(false, attributes, decision.reason(), decision.error());
        }
        audit.annotate(DECISION_ANNOTATION, "forbid");
        audit.annotate(REASON_ANNOTATION, decision.reason());
        return new AuthorizerDecision(false, attributes, decision.reason());
    }
}
