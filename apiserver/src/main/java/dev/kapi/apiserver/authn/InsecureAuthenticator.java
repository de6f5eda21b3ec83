package dev.kapi.apiserver.authn;

import jakarta.servlet.http.HttpServletRequest;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Until TLS and real authentication land (the security issue), every request is
 * {@code system:unsecured} in {@code system:masters}: what kube-apiserver's old insecure port did.
 */
public final class InsecureAuthenticator implements Authenticator {

    private static final UserInfo UNSECURED = new UserInfo("system:unsecured", "",
            List.of("system:masters", "system:authenticated"), Map.of());

    @Override
    public Optional<UserInfo> authenticate(HttpServletRequest request) {
        return Optional.of(UNSECURED);
    }
}
