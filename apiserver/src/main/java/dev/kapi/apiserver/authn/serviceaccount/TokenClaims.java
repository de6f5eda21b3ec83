package dev.kapi.apiserver.authn.serviceaccount;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.kapi.apiserver.authn.TokenAuthenticator.BadCredentialsException;

import java.util.Map;

/**
 * The Kubernetes part of a bound ServiceAccount token, read from its {@code kubernetes.io} claim and
 * checked against {@code sub} (which must be {@code system:serviceaccount:<ns>:<name>} of the same account).
 */
record TokenClaims(ServiceAccountRef serviceAccount, BoundObject bound) {

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
        Map<?, ?> pod = map(kube.get("pod"));
        Map<?, ?> secret = map(kube.get("secret"));
        Map<?, ?> node = map(kube.get("node"));
        BoundObject bound = null;
        if (pod != null) {
            // a pod-bound token may also name the pod's node: information, not something it is bound to
            bound = bound("Pod", pod, podNode(node));
        } else if (secret != null) {
            bound = bound("Secret", secret, null);
        } else if (node != null) {
            bound = bound("Node", node, null);
        }
        return new TokenClaims(ref, bound);
    }

    private static BoundObject bound(String kind, Map<?, ?> obj, BoundObject.PodNode node) {
        if (string(obj.get("name")) == null || string(obj.get("uid")) == null) {
            throw new BadCredentialsException("invalid bearer token: incomplete " + kind + " reference");
        }
        return new BoundObject(kind, string(obj.get("name")), string(obj.get("uid")), node);
    }

    /** The node claim of a pod-bound token: its name, and its uid when the Node existed at issue. */
    private static BoundObject.PodNode podNode(Map<?, ?> node) {
        return node == null || string(node.get("name")) == null ? null
                : new BoundObject.PodNode(string(node.get("name")), string(node.get("uid")));
    }

    private static Map<?, ?> map(Object o) {
        return o instanceof Map<?, ?> m ? m : null;
    }

    private static String string(Object o) {
        return o instanceof String s && !s.isEmpty() ? s : null;
    }
}
