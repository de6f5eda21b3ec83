package dev.kapi.apiserver.server;

/**
 * One part of {@code /readyz}'s {@code informer-sync} check: whether the informers a stage of the request path
 * reads (RBAC, admission) have each made their first list. kube-apiserver's check waits likewise for its shared
 * informers; the controllers' informers are not part of it (kube runs them in kube-controller-manager), nor are
 * the token lookups' (they read storage until listed, see {@code TokenConfig}). Until then those stages read
 * storage themselves or, for RBAC, deny.
 *
 * <p>Each configuration that starts such informers declares one as a bean, e.g.
 * {@code @Bean InformerSync rbacInformersSynced(RbacPolicyCache cache) { return cache::synced; }}.
 */
@FunctionalInterface
public interface InformerSync {

    /** True once every informer of this part has listed once (and from then on). */
    boolean synced();
}
