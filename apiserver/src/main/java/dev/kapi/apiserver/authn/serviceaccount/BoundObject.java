package dev.kapi.apiserver.authn.serviceaccount;

/**
 * The object a token is bound to ({@code Pod}, {@code Secret} or {@code Node}): the token is valid only
 * while an object of this kind, name and uid exists (Pods and Secrets in the ServiceAccount's namespace).
 */
public record BoundObject(String kind, String name, String uid) {

    /** The private claim key kube uses for the kind: {@code pod}, {@code secret}, {@code node}. */
    public String claimKey() {
        return kind.toLowerCase(java.util.Locale.ROOT);
    }

    public boolean namespaced() {
        return !kind.equals("Node");
    }
}
