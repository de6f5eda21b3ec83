package dev.kapi.apiserver.authn;

import jakarta.servlet.http.HttpServletRequest;

import java.util.Optional;

/**
 * Recognises a request's credential and says who sent it. Several authenticators form a union: the first
 * that recognises the credential decides (empty = not mine; an exception = a credential that is mine but
 * bad, which is a 401).
 */
public interface Authenticator {

    Optional<UserInfo> authenticate(HttpServletRequest request);

    /**
     * The request as later stages see it once this authenticator named its user: as it came, unless the
     * credential travels in headers no later stage may read (a front proxy's, as kube clears them).
     */
    default HttpServletRequest forLaterStages(HttpServletRequest request) {
        return request;
    }
}
