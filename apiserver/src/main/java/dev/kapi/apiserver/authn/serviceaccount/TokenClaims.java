package dev.kapi.apiserver.authn.serviceaccount;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.kapi.apiserver.authn.TokenAuthenticator.BadCredentialsException;

import java.util.List;
import java.util.Map;

/**
 * The Kubernetes part of a bound ServiceAccount token, read from its {@code kubernetes.io} claim and
 * checked against {@code sub} (which must be {@code system:serviceaccount:<ns>:<name>} of the same account).
 */
record TokenClaims(ServiceAccountRef serviceAccount, BoundObject bound) {

    private static final List<String> BOUND_KINDS = List.of("Pod", "Secret", "Node");

    static TokenClaims of(JWTClaimsSet claims) {
        Map<?, ?> kube = map(claims.getClaim(ServiceAccountTokenGenerator.KUBERNETES_CLAIM));
        if (kube == null) {
            throw new BadCredentialsException("invalid bearer token: no kubernetes.io claim");
        }
        Map<?, ?> sa = map(kube.get("serviceaccount"));
        String ns = string(kube.get("namespace"));
        if (sa == null || ns == null || string(sa.get("name")) == null || string(sa.get("uid")) == null) {
            throw new BadCredentialsException("invalid bearer token: incomplete kubernetes.io claim");
        }
        ServiceAccountRef ref = new ServiceAccountRef(ns, string(sa.get("name")), string(sa.get("uid")));
        if (!ref.userName().equals(claims.getSubject())) {
            throw new BadCredentialsException("invalid bearer token: sub does not match the kubernetes.io claim");
        }
        BoundObject bound = null;
        for (String kind : BOUND_KINDS) {
            Map<?, ?> obj = map(kube.get(kind.toLowerCase(java.util.Locale.ROOT)));
            if (obj != null && kind.equals("Node") && bound != null) {
                continue; // a pod-bound token may also name the pod's node; the pod is what it is bound to
            }
            if (obj != null && bound == null) {
                if (string(obj.get("name")) == null || string(obj.get("uid")) == null) {
                    throw new BadCredentialsException("invalid bearer token: incomplete " + kind + " reference");
                }
                bound = new BoundObject(kind, string(obj.get("name")), string(obj.get("uid")));
            }
        }
        return new TokenClaims(ref, bound);
    }

    private static Map<?, ?> map(Object o) {
        return o instanceof Map<?, ?> m ? m : null;
    }

    private static String string(Object o) {
        return o instanceof String s && !s.isEmpty() ? s : null;
    }
}
