package dev.kapi.apiserver.api;

/**
 * A kind in one version of one API group (kube's {@code schema.GroupVersionKind}); the core group is "".
 * Printed as kube prints it: {@code apps/v1, Kind=Deployment}, {@code /v1, Kind=Pod}.
 */
public record GroupVersionKind(String group, String version, String kind) {

    /** The apiVersion objects of this kind carry: {@code v1} for the core group, {@code apps/v1} otherwise. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    @Override
    public String toString() {
        return group + "/" + version + ", Kind=" + kind;
    }
}
