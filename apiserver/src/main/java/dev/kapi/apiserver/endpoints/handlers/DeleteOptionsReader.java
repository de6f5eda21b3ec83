package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.endpoints.decoding.GoQuoted;
import dev.kapi.apiserver.endpoints.protobuf.ProtobufBodies;
import dev.kapi.apiserver.registry.validation.GoValues;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@code DeleteOptions} of a DELETE, as kube-apiserver reads them: from the body when there is one
 * (decoded strictly; a value of the wrong type is a 400 with Go's message), else from the query
 * ({@code gracePeriodSeconds}, {@code propagationPolicy}, {@code orphanDependents}); then validated as
 * {@code ValidateDeleteOptions} does (422 {@code DeleteOptions.meta.k8s.io "" is invalid}).
 */
final class DeleteOptionsReader {

    private static final List<String> POLICIES = List.of("Foreground", "Background", "Orphan");

    private DeleteOptionsReader() {
    }

    static DeleteOptions read(RequestScope scope) throws IOException {
        byte[] body = BodyReader.read(scope.request());
        DeleteOptions options = body.length == 0 ? fromQuery(scope) : fromBody(scope, body);
        validate(options);
        return options;
    }

    private static DeleteOptions fromBody(RequestScope scope, byte[] body) {
        ObjectNode tree = ProtobufBodies.isProtobuf(scope.request().getContentType())
                ? ObjectDecoder.audited(scope, ProtobufBodies.decode(body))
                : ObjectDecoder.parse(body, BodyReader.isYaml(scope.request()));
        tree.remove("kind");
        tree.remove("apiVersion");
        return ObjectDecoder.decodeOptions(tree, DeleteOptions.class);
    }

    private static DeleteOptions fromQuery(RequestScope scope) {
        DeleteOptions options = new DeleteOptions();
        options.setGracePeriodSeconds(QueryParams.int64(scope, "gracePeriodSeconds"));
        options.setPropagationPolicy(scope.param("propagationPolicy"));
        String orphan = scope.param("orphanDependents");
        if (orphan != null) {
            options.setOrphanDependents(!orphan.equals("0") && !orphan.equalsIgnoreCase("false"));
        }
        return options;
    }

    static void validate(DeleteOptions options) {
        List<FieldError> errors = new ArrayList<>();
        String policy = options.getPropagationPolicy();
        if (options.getOrphanDependents() != null && policy != null) {
            errors.add(FieldError.invalid("propagationPolicy", policy,
                    "orphanDependents and deletionPropagation cannot be both set"));
        }
        if (policy != null && !POLICIES.contains(policy)) {
            List<String> supported = new ArrayList<>(POLICIES);
            supported.add("nil");
            errors.add(FieldError.notSupported("propagationPolicy", policy, supported));
        }
        List<String> dryRun = options.getDryRun();
        if (dryRun != null && dryRun.stream().anyMatch(v -> !"All".equals(v))) {
            String values = dryRun.stream().map(v -> new GoQuoted(v == null ? "" : v).toString())
                    .collect(Collectors.joining(", "));
            errors.add(FieldError.notSupported("dryRun", new GoValues.Printed("[]string{" + values + "}"),
                    List.of("All")));
        }
        if (!errors.isEmpty()) {
            throw StatusError.invalid("DeleteOptions", "meta.k8s.io", "", errors);
        }
    }
}
