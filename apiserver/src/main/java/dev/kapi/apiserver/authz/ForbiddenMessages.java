package dev.kapi.apiserver.authz;

/**
 * kube-apiserver's 403 wording, e.g. {@code User "alice" cannot get resource "configmaps" in API group ""
 * in the namespace "default"} or {@code ... at the cluster scope}, {@code User "bob" cannot get path "/apis"}.
 */
public final class ForbiddenMessages {

    private ForbiddenMessages() {
    }

    /** The text after {@code <resource> "<name>" is forbidden: }. */
    public static String reason(AuthorizationAttributes a, String authorizerReason) {
        StringBuilder m = new StringBuilder("User \"").append(a.user() == null ? "" : a.user().name()).append('"');
        if (!a.resourceRequest()) {
            m.append(" cannot ").append(a.verb()).append(" path \"").append(a.path()).append('"');
        } else {
            m.append(" cannot ").append(a.verb()).append(" resource \"").append(a.resourceWithSubresource())
                    .append("\" in API group \"").append(a.apiGroup()).append('"');
            if (a.namespace().isEmpty()) {
                m.append(" at the cluster scope");
            } else {
                m.append(" in the namespace \"").append(a.namespace()).append('"');
            }
        }
        if (authorizerReason != null && !authorizerReason.isEmpty()) {
            m.append(": ").append(authorizerReason);
        }
        return m.toString();
    }
}
