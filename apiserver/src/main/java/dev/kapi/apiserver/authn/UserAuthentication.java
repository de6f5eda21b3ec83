package dev.kapi.apiserver.authn;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;

/**
 * A {@link UserInfo} as Spring Security holds it in the security context: authenticated, its groups as
 * authorities. Anonymous users are {@code system:anonymous} here too (not Spring's anonymous token), so
 * that a denial for them is a 403, as kube-apiserver answers.
 */
public final class UserAuthentication extends AbstractAuthenticationToken {

    private final UserInfo user;

    public UserAuthentication(UserInfo user) {
        super(AuthorityUtils.createAuthorityList(user.groups()));
        this.user = user;
        setAuthenticated(true);
    }

    /** The user of an authentication this server made; null for anything else. */
    public static UserInfo userOf(Authentication authentication) {
        return authentication instanceof UserAuthentication u ? u.user : null;
    }

    public UserInfo user() {
        return user;
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public Object getPrincipal() {
        return user;
    }

    @Override
    public String getName() {
        return user.name();
    }
}
