package dev.kapi.apiserver.authz;

import java.util.concurrent.atomic.AtomicReference;

/**
 * An authorizer whose chain can be swapped while the server runs ({@code --authorization-config} read again
 * after the file changed, as kube reloads it): each decision is made by the chain current when it started.
 */
public final class ReloadableAuthorizer implements Authorizer {

    private final AtomicReference<Authorizer> current;

    public ReloadableAuthorizer(Authorizer initial) {
        this.current = new AtomicReference<>(initial);
    }

    @Override
    public Decision authorize(AuthorizationAttributes attributes) {
        return current.get().authorize(attributes);
    }

    /** The chain in use. */
    public Authorizer current() {
        return current.get();
    }

    /** Makes {@code next} the chain every later decision uses. */
    public void replace(Authorizer next) {
        current.set(next);
    }
}
