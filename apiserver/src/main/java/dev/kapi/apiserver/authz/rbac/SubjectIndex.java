package dev.kapi.apiserver.authz.rbac;

import dev.kapi.apiserver.authn.UserInfo;
import io.fabric8.kubernetes.api.model.rbac.Subject;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Bindings of one scope (the cluster, or one namespace) indexed by who they name: user names (service
 * accounts as their {@code system:serviceaccount:<ns>:<name>} user) and group names, so a request only
 * looks at the bindings that can apply to its user.
 */
final class SubjectIndex<B> {

    private final Map<String, List<B>> byUser = new HashMap<>();
    private final Map<String, List<B>> byGroup = new HashMap<>();
    private final Function<B, String> nameOf;

    SubjectIndex(Collection<B> bindings, Function<B, List<Subject>> subjectsOf, Function<B, String> nameOf,
                 String bindingNamespace) {
        this.nameOf = nameOf;
        for (B b : bindings) {
            List<Subject> subjects = subjectsOf.apply(b);
            for (Subject s : subjects == null ? List.<Subject>of() : subjects) {
                String kind = s.getKind() == null ? "" : s.getKind();
                String name = s.getName() == null ? "" : s.getName();
                switch (kind) {
                    case "User" -> add(byUser, name, b);
                    case "Group" -> add(byGroup, name, b);
                    case "ServiceAccount" -> {
                        String ns = RuleMatching.serviceAccountNamespace(s, bindingNamespace);
                        if (!ns.isEmpty()) {
                            add(byUser, RuleMatching.serviceAccountUser(ns, name), b);
                        }
                    }
                    default -> {
                    }
                }
            }
        }
    }

    private static <B> void add(Map<String, List<B>> map, String key, B binding) {
        List<B> list = map.computeIfAbsent(key, k -> new ArrayList<>());
        if (list.isEmpty() || list.get(list.size() - 1) != binding) {
            list.add(binding);
        }
    }

    /** The bindings naming the user or one of its groups, each once, ordered by name. */
    List<B> bindingsFor(UserInfo user) {
        TreeMap<String, B> found = new TreeMap<>();
        for (B b : byUser.getOrDefault(user.name(), List.of())) {
            found.put(nameOf.apply(b), b);
        }
        for (String g : user.groups() == null ? List.<String>of() : user.groups()) {
            for (B b : byGroup.getOrDefault(g, List.of())) {
                found.put(nameOf.apply(b), b);
            }
        }
        return List.copyOf(found.values());
    }
}
