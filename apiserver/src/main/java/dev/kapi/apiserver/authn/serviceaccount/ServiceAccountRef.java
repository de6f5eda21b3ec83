package dev.kapi.apiserver.authn.serviceaccount;

/** A ServiceAccount a token is for: namespace, name and the uid it had when the token was issued. */
public record ServiceAccountRef(String namespace, String name, String uid) {

    /** The user name of the ServiceAccount, {@code system:serviceaccount:<ns>:<name>}. */
    public String userName() {
        return "system:serviceaccount:" + namespace + ":" + name;
    }
}
