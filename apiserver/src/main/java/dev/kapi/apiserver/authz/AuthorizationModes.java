package dev.kapi.apiserver.authz;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code --authorization-mode}: builds the authorizer chain from the modes in order, behind the
 * {@code system:masters} authorizer. Modes: {@code RBAC}, {@code Webhook}, {@code AlwaysAllow}, {@code AlwaysDeny}.
 */
public final class AuthorizationModes {

    public static final String RBAC = "RBAC";
    public static final String ALWAYS_ALLOW = "AlwaysAllow";
    public static final String ALWAYS_DENY = "AlwaysDeny";
    public static final String WEBHOOK = "Webhook";

    private AuthorizationModes() {
    }

    /** {@link #chain(List, Supplier, Supplier)} without a webhook (mode Webhook is then an error). */
    public static Authorizer chain(List<String> modes, Supplier<Authorizer> rbac) {
        return chain(modes, rbac, () -> null);
    }

    /**
     * @param rbac    the RBAC authorizer, or null when this server has none (then mode RBAC is an error)
     * @param webhook the webhook authorizer, asked for only when mode Webhook is given; null = not configured
     * @throws IllegalArgumentException for an unknown, repeated or unavailable mode, or no mode at all
     */
    public static Authorizer chain(List<String> modes, Supplier<Authorizer> rbac, Supplier<Authorizer> webhook) {
        return chain(modes, rbac, webhook, AuthorizationMetrics.NONE);
    }

    /** {@link #chain(List, Supplier, Supplier)} reporting each mode's decisions, named as kube names them. */
    public static Authorizer chain(List<String> modes, Supplier<Authorizer> rbac, Supplier<Authorizer> webhook,
                                   AuthorizationMetrics metrics) {
        if (modes.isEmpty()) {
            throw new IllegalArgumentException("at least one --authorization-mode must be passed");
        }
        List<Authorizer> chain = new ArrayList<>(List.of(new PrivilegedGroupAuthorizer()));
        List<AuthorizerChain.Named> names = new ArrayList<>();
        names.add(null);
        Set<String> seen = new HashSet<>();
        for (String mode : modes) {
            if (!seen.add(mode)) {
                throw new IllegalArgumentException("--authorization-mode " + mode + " is specified more than once");
            }
            names.add(new AuthorizerChain.Named(mode, mode.equals(WEBHOOK) ? WebhookAuthorizer.MODE_NAME
                    : mode.toLowerCase(java.util.Locale.ROOT))); // kube's names
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
                case WEBHOOK -> {
                    Authorizer a = webhook.get();
                    if (a == null) {
                        throw new IllegalArgumentException("authorization-mode Webhook's authorization config file"
                                + " not passed");
                    }
                    yield a;
                }
                case "Node", "ABAC" -> throw new IllegalArgumentException("--authorization-mode " + mode
                        + " is not supported by Kapi (supported: RBAC, Webhook, AlwaysAllow, AlwaysDeny)");
                default -> throw new IllegalArgumentException("authorization-mode \"" + mode
                        + "\" is not a valid mode (supported: RBAC, Webhook, AlwaysAllow, AlwaysDeny)");
            });
        }
        return new AuthorizerChain(chain, names, metrics);
    }
}
