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
}
