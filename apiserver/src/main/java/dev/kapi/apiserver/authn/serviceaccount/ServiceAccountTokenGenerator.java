package dev.kapi.apiserver.authn.serviceaccount;

import com.nimbusds.jwt.JWTClaimsSet;

import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Issues bound ServiceAccount tokens as kube-apiserver does: a JWS signed with the ServiceAccount signing
 * key ({@code kid} = its key id) carrying iss, sub, aud, exp, iat, nbf, jti and the private
 * {@code kubernetes.io} claim (namespace, serviceaccount name/uid, and the bound pod/secret/node; a pod's
 * node too, its uid left out when the Node did not exist). Its keys are in the order kube's encoder writes
 * them, alphabetical.
 */
public final class ServiceAccountTokenGenerator {

    /** The private claim holding the Kubernetes-specific part of a token. */
    public static final String KUBERNETES_CLAIM = "kubernetes.io";

    private final String issuer;
    private final JwtSignatures signatures;

    public ServiceAccountTokenGenerator(ServiceAccountKeys keys, String issuer) {
        this.issuer = issuer;
        this.signatures = new JwtSignatures(keys);
    }

    /** A signed token for {@code sa}, valid from {@code now} until {@code expiry}, optionally bound. */
    public String issue(ServiceAccountRef sa, List<String> audiences, Instant now, Instant expiry, BoundObject bound) {
        Map<String, Object> kube = new LinkedHashMap<>();
        kube.put("namespace", sa.namespace());
        if (bound != null && bound.node() != null) {
            kube.put("node", ref(bound.node().name(), bound.node().uid()));
        }
        if (bound != null) {
            kube.put(bound.claimKey(), ref(bound.name(), bound.uid()));
        }
        kube.put("serviceaccount", ref(sa.name(), sa.uid()));
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(sa.userName())
                .audience(audiences)
                .expirationTime(Date.from(expiry))
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .jwtID(UUID.randomUUID().toString())
                .claim(KUBERNETES_CLAIM, kube)
                .build();
        return signatures.sign(claims);
    }

    /** kube's {@code ref}: name and uid, a missing uid left out ({@code omitempty}). */
    private static Map<String, String> ref(String name, String uid) {
        Map<String, String> ref = new LinkedHashMap<>();
        ref.put("name", name);
        if (uid != null && !uid.isEmpty()) {
            ref.put("uid", uid);
        }
        return ref;
    }

    /** The issuer new tokens carry. */
    public String issuer() {
        return issuer;
    }
}
