package dev.kapi.apiserver.endpoints.handlers;

import dev.kapi.apiserver.api.StatusError;
import dev.kapi.apiserver.endpoints.MediaTypes;

/**
 * What a resource response carries, chosen from the Accept header as kube-apiserver negotiates:
 * the objects themselves, a {@code meta.k8s.io} Table (what {@code kubectl get} asks for), or
 * {@code PartialObjectMetadata} (metadata only), each in JSON or YAML. The first entry the server can produce
 * wins; protobuf-only clients get 406.
 */
public record OutputFormat(Kind kind, String metaVersion, boolean yaml) {

    public enum Kind { OBJECT, TABLE, PARTIAL }

    public static OutputFormat negotiate(String accept) {
        for (MediaTypes.Entry e : MediaTypes.parseAccept(accept)) {
            String as = e.param("as");
            if (as == null) {
                if (e.isJsonLike()) {
                    return new OutputFormat(Kind.OBJECT, null, e.type().equals(MediaTypes.YAML));
                }
                continue;
            }
            boolean yaml = e.type().equals(MediaTypes.YAML);
            if (!e.type().equals(MediaTypes.JSON) && !yaml || !"meta.k8s.io".equals(e.param("g"))) {
                continue;
            }
            String v = e.param("v");
            if (!"v1".equals(v) && !"v1beta1".equals(v)) {
                continue;
            }
            if (as.equals("Table")) {
                return new OutputFormat(Kind.TABLE, v, yaml);
            }
            if (as.equals("PartialObjectMetadata") || as.equals("PartialObjectMetadataList")) {
                return new OutputFormat(Kind.PARTIAL, v, yaml);
            }
        }
        throw notAcceptable();
    }

    /** 406 NotAcceptable naming the media types this server produces. */
    static StatusError notAcceptable() {
        return StatusError.notAcceptable("only the following media types are accepted: application/json, "
                + "application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io");
    }
}
