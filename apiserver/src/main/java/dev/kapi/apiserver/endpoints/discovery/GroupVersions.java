package dev.kapi.apiserver.endpoints.discovery;

import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.ResourceRegistry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The groups and versions of served resources (of one {@link ResourceRegistry.Snapshot}), grouped and
 * ordered as discovery lists them: groups in registration order (core first), each group's versions by
 * kube's version priority (v1 before v1beta1 before v1alpha1, higher numbers first), the first being the
 * preferred one.
 */
public final class GroupVersions {

    /** One group with its versions, preferred first, and each version's resources in name order. */
    public record Group(String name, List<String> versions, Map<String, List<ResourceDefinition<?>>> resources) {

        public String preferredVersion() {
            return versions.get(0);
        }

        public String groupVersion(String version) {
            return name.isEmpty() ? version : name + "/" + version;
        }
    }

    private static final Pattern KUBE_VERSION = Pattern.compile("v(\\d+)(?:(alpha|beta)(\\d+))?");

    private GroupVersions() {
    }

    /** All groups of {@code definitions} (in registration order), core ("") first when served. */
    public static List<Group> of(List<ResourceDefinition<?>> definitions) {
        Map<String, Map<String, List<ResourceDefinition<?>>>> byGroup = new LinkedHashMap<>();
        for (ResourceDefinition<?> d : definitions) {
            byGroup.computeIfAbsent(d.group(), g -> new LinkedHashMap<>())
                    .computeIfAbsent(d.version(), v -> new ArrayList<>()).add(d);
        }
        List<Group> groups = new ArrayList<>();
        if (byGroup.containsKey("")) {
            groups.add(group("", byGroup.get("")));
        }
        byGroup.forEach((name, versions) -> {
            if (!name.isEmpty()) {
                groups.add(group(name, versions));
            }
        });
        return groups;
    }

    private static Group group(String name, Map<String, List<ResourceDefinition<?>>> versions) {
        List<String> ordered = versions.keySet().stream().sorted(VERSION_PRIORITY).toList();
        Map<String, List<ResourceDefinition<?>>> resources = new LinkedHashMap<>();
        for (String v : ordered) {
            resources.put(v, versions.get(v).stream()
                    .sorted(Comparator.comparing(ResourceDefinition::resource)).toList());
        }
        return new Group(name, ordered, resources);
    }

    /** Kube's version priority: GA, then beta, then alpha, then anything else; higher numbers first. */
    public static final Comparator<String> VERSION_PRIORITY = Comparator
            .comparingInt(GroupVersions::stability)
            .thenComparing(GroupVersions::major, Comparator.reverseOrder())
            .thenComparing(GroupVersions::minor, Comparator.reverseOrder())
            .thenComparing(Comparator.naturalOrder());

    private static int stability(String v) {
        Matcher m = KUBE_VERSION.matcher(v);
        if (!m.matches()) {
            return 3;
        }
        return m.group(2) == null ? 0 : m.group(2).equals("beta") ? 1 : 2;
    }

    private static int major(String v) {
        Matcher m = KUBE_VERSION.matcher(v);
        return m.matches() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static int minor(String v) {
        Matcher m = KUBE_VERSION.matcher(v);
        return m.matches() && m.group(3) != null ? Integer.parseInt(m.group(3)) : 0;
    }
}
