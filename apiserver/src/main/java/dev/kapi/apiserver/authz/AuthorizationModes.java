package dev.kapi.apiserver.authz;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code --authorization-mode}: builds the authorizer chain from the modes in order, behind the
 * {@code system:masters} authorizer. Modes: {@code RBAC}, {@code AlwaysAllow}, {@code AlwaysDeny}.
 */
public final class AuthorizationModes {

    public static final String RBAC = "RBAC";
    public static final String ALWAYS_ALLOW = "AlwaysAllow";
    public static final String ALWAYS_DENY = "AlwaysDeny";

    private AuthorizationModes() {
    }

    /**
     * @param rbac the RBAC authorizer, or null when this server has none (then mode RBAC is an error)
     * @throws IllegalArgumentException for an unknown, repeated or unavailable mode, or no mode at all
     */
    public static Authorizer chain(List<String> modes, Supplier<Authorizer> rbac) {
        if (modes.isEmpty()) {
            throw new IllegalArgumentException("at least one --authorization-mode must be passed");
        }
        List<Authorizer> chain = new ArrayList<>(List.of(new PrivilegedGroupAuthorizer()));
        boolean allowAll = modes.getFirst().equals(ALWAYS_ALLOW);
        Set<String> seen = new HashSet<>();
        for (String mode : modes) {
            if (!seen.add(mode)) {
                throw new IllegalArgumentException("--authorization-mode " + mode + " is specified more than once");
            }
            chain.add(switch (mode) {
                case ALWAYS_ALLOW -> new AlwaysAllowAuthorizer();
                case ALWAYS_DENY -> new AlwaysDenyAuthorizer();
                case RBAC -> {
                    Authorizer a = rbac.get();
                    if (a == null) {
                        throw new IllegalArgumentException("--authorization-mode=RBAC, but this server has no RBAC"
                                + " authorizer (no bean named \"rbacAuthorizer\"); choose another mode, e.g."
                                + " --authorization-mode=AlwaysAllow");
                    }
                    yield a;
                }
                case "Node", "Webhook", "ABAC" -> throw new IllegalArgumentException("--authorization-mode " + mode
                        + " is not supported by Kapi (supported: RBAC, AlwaysAllow, AlwaysDeny)");
                default -> throw new IllegalArgumentException("authorization-mode \"" + mode
                        + "\" is not a valid mode (supported: RBAC, AlwaysAllow, AlwaysDeny)");
            });
        }
        // AlwaysAllow first decides everything: the chain is AlwaysAllow itself (which review APIs recognise)
        return allowAll ? chain.get(1) : new AuthorizerChain(chain);
    }
}
