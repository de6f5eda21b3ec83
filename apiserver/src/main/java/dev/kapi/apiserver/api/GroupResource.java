package dev.kapi.apiserver.api;

/**
 * A resource qualified by its API group, printed as kube-apiserver prints it in messages:
 * {@code configmaps} for the core group, {@code deployments.apps} otherwise.
 */
public record GroupResource(String group, String resource) {

    @Override
    public String toString() {
        return group == null || group.isEmpty() ? resource : resource + "." + group;
    }
}
