package dev.kapi.apiserver.api;

/**
 * A resource in one version of one API group (kube's {@code schema.GroupVersionResource}); the core group
 * is "". Printed as kube prints it: {@code apps/v1, Resource=deployments}.
 */
public record GroupVersionResource(String group, String version, String resource) {

    public GroupResource groupResource() {
        return new GroupResource(group, resource);
    }

    @Override
    public String toString() {
        return group + "/" + version + ", Resource=" + resource;
    }
}
