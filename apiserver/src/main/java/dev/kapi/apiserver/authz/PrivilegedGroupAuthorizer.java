package dev.kapi.apiserver.authz;

/** Allows everything to members of {@code system:masters}, ahead of every mode (as kube-apiserver does). */
public final class PrivilegedGroupAuthorizer implements Authorizer {

    public static final String MASTERS = "system:masters";

    @Override
    public Decision authorize(AuthorizationAttributes attributes) {
        return attributes.user() != null && attributes.user().groups().contains(MASTERS)
                ? Decision.allow("") : Decision.noOpinion("");
    }
}
