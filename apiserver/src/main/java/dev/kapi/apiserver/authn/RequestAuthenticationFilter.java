package dev.kapi.apiserver.authn;

import dev.kapi.apiserver.api.StatusError;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.AuthenticationEntryPoint;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The authentication stage (kube-apiserver's union authenticator): the first authenticator that recognises
 * the request's credential names the user, who also joins {@code system:authenticated}. A credential that
 * some authenticator rejects (or fails on with an unexpected error) and none accepts is a 401; with no
 * credential at all the user is {@code system:anonymous} where {@link AnonymousAccess} allows it
 * ({@code --anonymous-auth}, the default, or {@code --authentication-config}'s {@code anonymous}) or it is a 401 too.
 *
 * <p>The user is left in Spring Security's context (as {@link UserAuthentication}) and as the request
 * attribute {@link UserInfo#ATTRIBUTE}. The security chain covers every dispatch type; only the REQUEST
 * dispatch can be authorized ({@code RequestAuthorizationManager}), so a re-dispatch is denied whoever it names.
 */
public final class RequestAuthenticationFilter extends HttpFilter {

    private static final Logger LOG = LoggerFactory.getLogger(RequestAuthenticationFilter.class);

    public static final String AUTHENTICATED = "system:authenticated";

    private final transient List<Authenticator> authenticators;
    private final AnonymousAccess anonymous;
    private final transient AuthenticationEntryPoint entryPoint;
    private final transient SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

    public RequestAuthenticationFilter(List<Authenticator> authenticators, boolean anonymous,
                                       AuthenticationEntryPoint entryPoint) {
        this(authenticators, anonymous ? AnonymousAccess.ALL : AnonymousAccess.NONE, entryPoint);
    }

    public RequestAuthenticationFilter(List<Authenticator> authenticators, AnonymousAccess anonymous,
                                       AuthenticationEntryPoint entryPoint) {
        this.authenticators = List.copyOf(authenticators);
        this.anonymous = anonymous;
        this.entryPoint = entryPoint;
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws ServletException, IOException {
        UserInfo user = null;
        HttpServletRequest forward = req;
        String failure = null;
        for (Authenticator a : authenticators) {
            try {
                Optional<UserInfo> found = a.authenticate(req);
                if (found.isPresent()) {
                    user = withAuthenticatedGroup(found.get());
                    forward = a.forLaterStages(req);
                    break;
                }
            } catch (TokenAuthenticator.BadCredentialsException e) {
                failure = failure == null ? e.getMessage() : failure;
            } catch (StatusError e) {
                throw e; // a Status the lookup answers on purpose (storage priming: 429 with Retry-After)
            } catch (RuntimeException e) { // as kube's union: an authenticator's error is a failure, never a 500
                LOG.warn("{} failed on a request: {}", a.getClass().getSimpleName(), e.toString());
                LOG.debug("{} failed on a request", a.getClass().getSimpleName(), e);
                failure = failure == null ? "authentication error" : failure;
            }
        }
        if (user == null && failure != null) {
            LOG.debug("Unable to authenticate the request: {}", failure);
            entryPoint.commence(req, res, new BadCredentialsException(failure));
            return;
        }
        if (user == null && !anonymous.allows(req)) {
            entryPoint.commence(req, res, new AuthenticationCredentialsNotFoundException("no credentials"));
            return;
        }
        setUser(req, user == null ? UserInfo.anonymous() : user, contexts);
        chain.doFilter(forward, res);
    }

    /** Makes {@code user} the request's user, in the security context and the request attribute. */
    public static void setUser(HttpServletRequest req, UserInfo user, SecurityContextHolderStrategy contexts) {
        SecurityContext context = contexts.createEmptyContext();
        context.setAuthentication(new UserAuthentication(user));
        contexts.setContext(context);
        req.setAttribute(UserInfo.ATTRIBUTE, user);
    }

    /**
     * kube's {@code AuthenticatedGroupAdder}: every authenticated user joins {@code system:authenticated}, except one
     * named {@code system:anonymous} or already in {@code system:authenticated} or {@code system:unauthenticated}.
     */
    static UserInfo withAuthenticatedGroup(UserInfo user) {
        if (user.groups().contains(AUTHENTICATED) || user.groups().contains(UserInfo.UNAUTHENTICATED)
                || UserInfo.ANONYMOUS.equals(user.name())) {
            return user;
        }
        List<String> groups = new ArrayList<>(user.groups());
        groups.add(AUTHENTICATED);
        return new UserInfo(user.name(), user.uid(), List.copyOf(groups), user.extra());
    }
}
