package dev.kapi.apiserver.endpoints.openapi;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.schema.Schema;
import dev.kapi.apiserver.registry.SubresourceKinds;
import dev.kapi.apiserver.registry.ResourceDefinition;
import dev.kapi.apiserver.registry.schema.BuiltInSchemas;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The OpenAPI path items of one resource, in kube-apiserver's layout and operation ids: for pods
 * {@code /api/v1/namespaces/{namespace}/pods} (listCoreV1NamespacedPod, createCoreV1NamespacedPod,
 * deleteCoreV1CollectionNamespacedPod), {@code .../pods/{name}} (read, replace, patch, delete),
 * {@code /api/v1/pods} (listCoreV1PodForAllNamespaces) and one item per subresource
 * ({@code .../pods/{name}/status}: readCoreV1NamespacedPodStatus, ...). Every operation carries
 * {@code x-kubernetes-action} and {@code x-kubernetes-group-version-kind}.
 *
 * <p>PATCH request bodies list the JSON patch, merge patch and apply content types but not
 * {@code application/strategic-merge-patch+json}: the v3 schemas carry no patch strategies or merge keys
 * ({@link SchemaGenerator} leaves them out), so kubectl then computes strategic merge patches from its
 * compiled-in types, which do.
 */
final class ResourcePaths {

    private static final List<String> PATCH_TYPES = List.of(
            "application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml");

    private final SchemaGenerator schemas;
    private final KindSchemas kinds;

    ResourcePaths(SchemaGenerator schemas, KindSchemas kinds) {
        this.schemas = schemas;
        this.kinds = kinds;
    }

    /** Adds the paths of {@code d} to {@code paths}. */
    void add(ObjectNode paths, ResourceDefinition<?> d) {
        String base = d.group().isEmpty() ? "/api/" + d.version() : "/apis/" + d.group() + "/" + d.version();
        String prefix = camel(d.group()) + camel(d.version());
        String scoped = d.namespaced() ? "Namespaced" + d.kind() : d.kind();
        String collection = base + (d.namespaced() ? "/namespaces/{namespace}/" : "/") + d.resource();
        String item = collection + "/{name}";
        Gvk kind = new Gvk(d.group(), d.version(), d.kind());
        Schema type = d.schema();
        schemas.addGroupVersionKind(type, d.group(), d.version(), d.kind());
        ObjectNode list = kinds.listSchema(schemas, d);

        ObjectNode c = pathItem(paths, collection);
        if (d.serves("list")) {
            c.set("get", op("list" + prefix + scoped, "list", kind, OperationParameters.LIST, null,
                    Map.of("200", list)));
        }
        if (d.serves("create")) {
            c.set("post", op("create" + prefix + scoped, "post", kind, OperationParameters.WRITE,
                    body(schemas.ref(type)), created(schemas.ref(type))));
        }
        if (d.serves("deletecollection")) {
            c.set("delete", op("delete" + prefix + "Collection" + scoped, "deletecollection", kind,
                    concat(OperationParameters.DELETE, OperationParameters.LIST_FOR_DELETE),
                    body(schemas.ref(BuiltInSchemas.meta("DeleteOptions"))),
                    Map.of("200", schemas.ref(BuiltInSchemas.meta("Status")))));
        }
        if (!d.serves("get")) {
            return; // a create-only resource (a review API): no item path, no list across namespaces
        }

        ObjectNode i = pathItem(paths, item);
        addItemOperations(i, prefix + scoped, kind, type);

        if (d.namespaced()) {
            ObjectNode all = pathItem(paths, base + "/" + d.resource());
            all.set("get", op("list" + prefix + d.kind() + "ForAllNamespaces", "list", kind,
                    OperationParameters.LIST, null, Map.of("200", list)));
        }
        for (SubresourceKinds.Subresource s : SubresourceKinds.of(d)) {
            Gvk sk = new Gvk(s.groupOr(d), s.versionOr(d), s.kind());
            Schema subType = s.kind().equals(d.kind()) && s.group() == null ? type : kinds.find(sk);
            if (subType != null) {
                schemas.addGroupVersionKind(subType, sk.group(), sk.version(), sk.kind());
            }
            ObjectNode si = pathItem(paths, item + "/" + s.name());
            String id = prefix + scoped + camel(s.name());
            if (s.verbs().contains("get")) {
                si.set("get", op("read" + id, "get", sk, List.of(), null, Map.of("200", ref(subType))));
            }
            if (s.verbs().contains("create")) {
                si.set("post", op("create" + id, "post", sk, OperationParameters.WRITE, body(ref(subType)),
                        created(ref(subType))));
            }
            if (s.verbs().contains("update")) {
                si.set("put", op("replace" + id, "put", sk, OperationParameters.WRITE, body(ref(subType)),
                        created(ref(subType))));
            }
            if (s.verbs().contains("patch")) {
                si.set("patch", op("patch" + id, "patch", sk, concat(OperationParameters.WRITE,
                        List.of(OperationParameters.FORCE)), patchBody(), created(ref(subType))));
            }
        }
    }

    private void addItemOperations(ObjectNode i, String id, Gvk kind, Schema type) {
        i.set("get", op("read" + id, "get", kind, List.of(), null, Map.of("200", schemas.ref(type))));
        i.set("put", op("replace" + id, "put", kind, OperationParameters.WRITE, body(schemas.ref(type)),
                created(schemas.ref(type))));
        i.set("patch", op("patch" + id, "patch", kind,
                concat(OperationParameters.WRITE, List.of(OperationParameters.FORCE)), patchBody(),
                created(schemas.ref(type))));
        i.set("delete", op("delete" + id, "delete", kind, OperationParameters.DELETE,
                body(schemas.ref(BuiltInSchemas.meta("DeleteOptions"))),
                Map.of("200", schemas.ref(type), "202", schemas.ref(type))));
    }

    record Gvk(String group, String version, String kind) {
    }

    private ObjectNode ref(Schema type) {
        if (type == null) {
            ObjectNode n = Json.MAPPER.createObjectNode();
            n.put("type", "object");
            return n;
        }
        return schemas.ref(type);
    }

    private static ObjectNode pathItem(ObjectNode paths, String path) {
        ObjectNode item = paths.putObject(path);
        item.set("parameters", OperationParameters.forPath(path));
        return item;
    }

    private static ObjectNode op(String id, String action, Gvk gvk, List<OperationParameters.Param> params,
                                 ObjectNode body, Map<String, ObjectNode> responses) {
        ObjectNode op = Json.MAPPER.createObjectNode();
        op.put("operationId", id);
        ArrayNode p = op.putArray("parameters");
        OperationParameters.addQuery(p, params);
        if (body != null) {
            op.set("requestBody", body);
        }
        ObjectNode rs = op.putObject("responses");
        responses.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            ObjectNode r = rs.putObject(e.getKey());
            r.put("description", switch (e.getKey()) {
                case "201" -> "Created";
                case "202" -> "Accepted";
                default -> "OK";
            });
            ObjectNode content = r.putObject("content");
            content.putObject("application/json").set("schema", e.getValue());
            content.putObject("application/yaml").set("schema", e.getValue());
        });
        rs.putObject("401").put("description", "Unauthorized");
        op.put("x-kubernetes-action", action);
        ObjectNode g = op.putObject("x-kubernetes-group-version-kind");
        g.put("group", gvk.group());
        g.put("version", gvk.version());
        g.put("kind", gvk.kind());
        return op;
    }

    private static ObjectNode body(ObjectNode schema) {
        ObjectNode b = Json.MAPPER.createObjectNode();
        b.putObject("content").putObject("*/*").set("schema", schema);
        b.put("required", true);
        return b;
    }

    private ObjectNode patchBody() {
        ObjectNode b = Json.MAPPER.createObjectNode();
        ObjectNode content = b.putObject("content");
        for (String t : PATCH_TYPES) {
            content.putObject(t).set("schema", schemas.ref(BuiltInSchemas.meta("Patch")));
        }
        b.put("required", true);
        return b;
    }

    private static Map<String, ObjectNode> created(ObjectNode schema) {
        return Map.of("200", schema, "201", schema);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    /** kube's operation-id spelling of a group or version: "" → Core, rbac.authorization.k8s.io → RbacAuthorization. */
    static String camel(String s) {
        if (s.isEmpty()) {
            return "Core";
        }
        String trimmed = s.endsWith(".k8s.io") ? s.substring(0, s.length() - ".k8s.io".length()) : s;
        StringBuilder out = new StringBuilder();
        for (String part : trimmed.split("[.\\-]")) {
            if (!part.isEmpty()) {
                out.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
            }
        }
        return out.toString();
    }
}
