package dev.kapi.apiserver.authz;

import dev.kapi.apiserver.api.GoAggregate;
import java.util.ArrayList;
import java.util.List;

/**
 * Authorizers asked in order (kube-apiserver's union authorizer): the first ALLOW or DENY decides; when all
 * have no opinion the request is not allowed, with their reasons joined, and with their errors joined as kube
 * aggregates them (one as it is, several different ones as {@code [a, b]}): an authorizer that failed makes the request a 500.
 */
public final class AuthorizerChain implements Authorizer {

    /** How a configured authorizer is reported: its type ({@code RBAC}, {@code Webhook}, ...) and name. */
    public record Named(String type, String name) {
    }

    private final List<Authorizer> authorizers;
    private final List<Named> names;
    private final AuthorizationMetrics metrics;

    public AuthorizerChain(List<Authorizer> authorizers) {
        this(authorizers, java.util.Collections.nCopies(authorizers.size(), null), AuthorizationMetrics.NONE);
    }

    /** @param names one per authorizer, null for one not reported (the {@code system:masters} authorizer) */
    public AuthorizerChain(List<Authorizer> authorizers, List<Named> names, AuthorizationMetrics metrics) {
        if (names.size() != authorizers.size()) {
            throw new IllegalArgumentException(names.size() + " names for " + authorizers.size() + " authorizers");
        }
        this.authorizers = List.copyOf(authorizers);
        this.names = java.util.Collections.unmodifiableList(new ArrayList<>(names));
        this.metrics = metrics;
    }

    /** The authorizers, in the order they are asked. */
    public List<Authorizer> authorizers() {
        return authorizers;
    }

    @Override
    public Decision authorize(AuthorizationAttributes attributes) {
        List<String> reasons = new ArrayList<>();
        java.util.Set<String> errors = null; // made only when an authorizer failed: this runs for every request
        for (int i = 0; i < authorizers.size(); i++) {
            Decision d = authorizers.get(i).authorize(attributes);
            if (d.kind() != Decision.Kind.NO_OPINION) {
                Named named = names.get(i);
                if (named != null) {
                    metrics.decided(named.type(), named.name(), d.allowed());
                }
                return d;
            }
            if (d.reason() != null && !d.reason().isEmpty()) {
                reasons.add(d.reason());
            }
            if (d.error() != null) {
                if (errors == null) {
                    errors = new java.util.LinkedHashSet<>();
                }
                errors.add(d.error());
            }
        }
        String error = errors == null ? null : GoAggregate.of(errors);
        return new Decision(Decision.Kind.NO_OPINION, String.join("\n", reasons), error); // kube joins by lines
    }
}
