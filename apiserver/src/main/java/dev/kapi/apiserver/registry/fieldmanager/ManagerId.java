package dev.kapi.apiserver.registry.fieldmanager;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;

/**
 * Who owns a set of fields (kube's manager identifier): the manager's name, the operation ({@code Apply} or
 * {@code Update}), the API version for updates only (an applier is one manager whatever version it applies
 * in), and the subresource written through.
 */
record ManagerId(String manager, String operation, String apiVersion, String subresource) {

    static final String APPLY = "Apply";
    static final String UPDATE = "Update";

    static ManagerId of(ManagedFieldsEntry e) {
        return new ManagerId(nz(e.getManager()), nz(e.getOperation()),
                APPLY.equals(e.getOperation()) ? "" : nz(e.getApiVersion()), nz(e.getSubresource()));
    }

    /** The identifier as kube writes it, a JSON object; distinct managers have distinct keys. */
    String key() {
        StringBuilder b = new StringBuilder("{\"manager\":").append(quote(manager))
                .append(",\"operation\":").append(quote(operation));
        if (!apiVersion.isEmpty()) {
            b.append(",\"apiVersion\":").append(quote(apiVersion));
        }
        if (!subresource.isEmpty()) {
            b.append(",\"subresource\":").append(quote(subresource));
        }
        return b.append('}').toString();
    }

    /**
     * kube's {@code printManager} for conflict messages: {@code "kubectl"} for an applier, {@code "kubectl-edit"
     * using apps/v1} for an updater, with {@code with subresource "status"} when written through one. (kube
     * prints from the identifier, which has no time, so no time is printed.)
     */
    String describe() {
        String s = "\"" + manager + "\"";
        if (!subresource.isEmpty()) {
            s += " with subresource \"" + subresource + "\"";
        }
        return UPDATE.equals(operation) ? s + " using " + apiVersion : s;
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
