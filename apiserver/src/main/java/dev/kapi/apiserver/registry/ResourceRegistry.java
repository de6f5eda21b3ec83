package dev.kapi.apiserver.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every served resource, looked up by group, version and plural name (as URLs name them) or by kind.
 * Discovery, OpenAPI and the handlers all read this one list, so they can never disagree.
 */
public final class ResourceRegistry {

    private final Map<String, ResourceDefinition<?>> byPath = new LinkedHashMap<>();
    private final List<ResourceDefinition<?>> all = new ArrayList<>();

    public ResourceRegistry(List<ResourceDefinition<?>> definitions) {
        for (ResourceDefinition<?> d : definitions) {
            String k = key(d.group(), d.version(), d.resource());
            if (byPath.putIfAbsent(k, d) != null) {
                throw new IllegalArgumentException("resource defined twice: " + k);
            }
            all.add(d);
        }
    }

    public Optional<ResourceDefinition<?>> find(String group, String version, String resource) {
        return Optional.ofNullable(byPath.get(key(group, version, resource)));
    }

    public Optional<ResourceDefinition<?>> findByKind(String group, String kind) {
        return all.stream().filter(d -> d.group().equals(group) && d.kind().equals(kind)).findFirst();
    }

    /** All definitions, in registration order. */
    public List<ResourceDefinition<?>> all() {
        return List.copyOf(all);
    }

    /** The group/versions served, in registration order, "" first for the core group. */
    public List<String> groupVersions() {
        return all.stream().map(ResourceDefinition::apiVersion).distinct().toList();
    }

    private static String key(String group, String version, String resource) {
        return group + "/" + version + "/" + resource;
    }
}
