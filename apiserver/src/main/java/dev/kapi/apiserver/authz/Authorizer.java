package dev.kapi.apiserver.authz;

import dev.kapi.apiserver.authn.UserInfo;
import dev.kapi.apiserver.filters.RequestInfo;

/**
 * Decides whether a user may do what a request asks. Returns null to allow, or the reason for a 403
 * (kube-apiserver's wording follows in the Status message).
 */
public interface Authorizer {

    String deny(UserInfo user, RequestInfo request);
}
