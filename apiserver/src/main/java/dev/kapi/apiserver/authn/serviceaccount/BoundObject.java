package dev.kapi.apiserver.authn.serviceaccount;

/**
 * The object a token is bound to ({@code Pod}, {@code Secret} or {@code Node}): the token is valid only
 * while an object of this kind, name and uid exists (Pods and Secrets in the ServiceAccount's namespace).
 * A Pod also carries the {@link PodNode} it was scheduled to when the token was issued, or null.
 */
public record BoundObject(String kind, String name, String uid, PodNode node) {

    public BoundObject(String kind, String name, String uid) {
        this(kind, name, uid, null);
    }

    /**
     * The node of a bound pod (kube's ServiceAccountTokenPodNodeInfo): the pod's {@code spec.nodeName} and the
     * uid of that Node, null when no such Node existed at issue. Information for whoever reads the token or
     * its user: the authenticator never checks that the Node still exists.
     */
    public record PodNode(String name, String uid) {
    }

    /** The private claim key kube uses for the kind: {@code pod}, {@code secret}, {@code node}. */
    public String claimKey() {
        return kind.toLowerCase(java.util.Locale.ROOT);
    }

    public boolean namespaced() {
        return !kind.equals("Node");
    }
}
