package dev.kapi.apiserver.authz;

import dev.kapi.apiserver.api.selection.NameSyntax;
import dev.kapi.apiserver.authn.ExtraHeaders;
import dev.kapi.apiserver.authn.HiddenHeaders;
import dev.kapi.apiserver.authn.UserInfo;
import jakarta.servlet.http.HttpServletRequest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a request's impersonation headers ask for, and the user it then acts as. */
record ImpersonationRequest(String user, List<String> groups, String uid, Map<String, List<String>> extra) {

    static final String EXTRA_PREFIX = "impersonate-extra-";
    private static final String AUTHENTICATION_GROUP = "authentication.k8s.io";
    private static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

    static ImpersonationRequest of(HttpServletRequest req) {
        String user = nz(req.getHeader("Impersonate-User"));
        List<String> groups = Collections.list(req.getHeaders("Impersonate-Group"));
        String uid = nz(req.getHeader("Impersonate-Uid"));
        Map<String, List<String>> extra = ExtraHeaders.read(req, List.of(EXTRA_PREFIX));
        return new ImpersonationRequest(user, groups, uid, extra);
    }

    boolean isEmpty() {
        return user.isEmpty() && groups.isEmpty() && uid.isEmpty() && extra.isEmpty();
    }

    /** The {@code impersonate} checks, one per user, group, extra value and uid. */
    List<AuthorizationAttributes> checks(UserInfo requestor) {
        List<AuthorizationAttributes> out = new ArrayList<>();
        String[] sa = serviceAccount();
        if (sa != null) {
            out.add(check(requestor, "", "", "serviceaccounts", "", sa[0], sa[1]));
        } else {
            out.add(check(requestor, "", "", "users", "", "", user));
        }
        groups.forEach(g -> out.add(check(requestor, "", "", "groups", "", "", g)));
        extra.forEach((key, values) -> values.forEach(v ->
                out.add(check(requestor, AUTHENTICATION_GROUP, "v1", "userextras", key, "", v))));
        if (!uid.isEmpty()) {
            out.add(check(requestor, AUTHENTICATION_GROUP, "v1", "uids", "", "", uid));
        }
        return out;
    }

    /** The impersonated user: its groups as asked (a ServiceAccount's own groups when none were asked), plus
     * {@code system:authenticated} (or {@code system:unauthenticated} for {@code system:anonymous}). */
    UserInfo userInfo() {
        List<String> g = new ArrayList<>(groups);
        String[] sa = serviceAccount();
        if (sa != null && groups.isEmpty()) {
            g.addAll(List.of("system:serviceaccounts", "system:serviceaccounts:" + sa[0]));
        }
        if (!user.equals("system:anonymous")) {
            if (!g.contains("system:authenticated") && !g.contains("system:unauthenticated")) {
                g.add("system:authenticated");
            }
        } else if (!g.contains("system:unauthenticated")) {
            g.add("system:unauthenticated");
        }
        Map<String, List<String>> e = new LinkedHashMap<>();
        extra.forEach((k, v) -> e.put(k, List.copyOf(v)));
        return new UserInfo(user, uid, List.copyOf(g), Map.copyOf(e));
    }

    String describe() {
        List<String> parts = new ArrayList<>();
        groups.forEach(g -> parts.add("Group " + g));
        extra.forEach((k, vs) -> vs.forEach(v -> parts.add("UserExtra " + k + "=" + v)));
        if (!uid.isEmpty()) {
            parts.add("UID " + uid);
        }
        return "[" + String.join(", ", parts) + "]";
    }

    /** The request without its impersonation headers, as later stages must see it. */
    static HttpServletRequest withoutHeaders(HttpServletRequest req) {
        return HiddenHeaders.without(req, ImpersonationFilter::isImpersonationHeader);
    }

    /**
     * {@code [namespace, name]} when the user is {@code system:serviceaccount:<ns>:<name>} with a valid namespace
     * (DNS label) and name (DNS subdomain), else null: any other such name is an ordinary user, impersonated with
     * {@code impersonate users} and without the service-account groups (kube's {@code SplitUsername}).
     */
    private String[] serviceAccount() {
        if (!user.startsWith(SERVICE_ACCOUNT_PREFIX)) {
            return null;
        }
        String[] parts = user.substring(SERVICE_ACCOUNT_PREFIX.length()).split(":", -1);
        boolean valid = parts.length == 2 && parts[0].length() <= 63 && NameSyntax.isDns1123Label(parts[0])
                && parts[1].length() <= 253 && NameSyntax.isDns1123Subdomain(parts[1]);
        return valid ? parts : null;
    }

    private static AuthorizationAttributes check(UserInfo requestor, String group, String version, String resource,
                                                 String subresource, String namespace, String name) {
        return new AuthorizationAttributes(requestor, "impersonate", true, group, version, resource, subresource,
                namespace, name, "");
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
