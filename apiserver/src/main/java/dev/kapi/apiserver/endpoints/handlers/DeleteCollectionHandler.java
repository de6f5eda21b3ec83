package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.Json;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.List;

/**
 * DELETE of a collection: every object the selectors pick, one delete each through the write pipeline (each
 * admitted as a DELETE, as kube does); answers with the deleted list.
 */
public final class DeleteCollectionHandler implements VerbHandler {

    @Override
    public void handle(RequestScope scope) throws IOException {
        DeleteOptions options = DeleteHandler.options(scope);
        List<HasMetadata> deleted = scope.writes().deleteCollection(scope.writeScope(), ListHandler.params(scope),
                options);
        ObjectNode list = Json.MAPPER.createObjectNode();
        list.put("kind", scope.definition().listKind());
        list.put("apiVersion", scope.definition().apiVersion());
        list.putObject("metadata");
        ArrayNode items = list.putArray("items");
        deleted.forEach(o -> items.add(ObjectWriter.item(scope, o)));
        ObjectWriter.writeRaw(scope, 200, list);
    }
}
