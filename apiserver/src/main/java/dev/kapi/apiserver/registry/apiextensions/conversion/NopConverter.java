package dev.kapi.apiserver.registry.apiextensions.conversion;

import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/** Strategy {@code None} (kube's nopConverter): a copy of each object with only {@code apiVersion} changed. */
final class NopConverter implements VersionConverter {

    @Override
    public List<ObjectNode> convert(List<ObjectNode> objects, String desiredApiVersion) {
        return objects.stream().map(o -> {
            ObjectNode copy = o.deepCopy();
            copy.put("apiVersion", desiredApiVersion);
            return copy;
        }).toList();
    }
}
