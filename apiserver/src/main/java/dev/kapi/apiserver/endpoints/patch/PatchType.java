package dev.kapi.apiserver.endpoints.patch;

import dev.kapi.apiserver.api.StatusError;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The PATCH body formats, named by their Content-Type (kube's {@code types.PatchType}). */
public enum PatchType {
    JSON_PATCH("application/json-patch+json"),
    MERGE("application/merge-patch+json"),
    STRATEGIC("application/strategic-merge-patch+json"),
    /** Server-side apply: not a patch {@link Patches} applies, but the field manager's (handlers' ApplyPatch). */
    APPLY("application/apply-patch+yaml");

    /** Every patch type. */
    public static final Set<PatchType> ALL = Collections.unmodifiableSet(EnumSet.allOf(PatchType.class));
    /** What custom resources accept: no strategic merge patch, which needs Go struct tags (kube answers 415). */
    public static final Set<PatchType> CUSTOM_RESOURCE_TYPES =
            Collections.unmodifiableSet(EnumSet.of(JSON_PATCH, MERGE, APPLY));

    private final String mediaType;

    PatchType(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    /** The patch type of a Content-Type header (parameters such as {@code charset} ignored); 415 if none. */
    public static PatchType fromContentType(String contentType) {
        return fromContentType(contentType, EnumSet.allOf(PatchType.class));
    }

    /**
     * The patch type of a Content-Type header among the ones a resource supports (custom resources have no
     * strategic merge patch); 415 listing the supported types otherwise.
     */
    public static PatchType fromContentType(String contentType, Set<PatchType> supported) {
        String type = contentType == null ? "" : contentType;
        int semi = type.indexOf(';');
        if (semi >= 0) {
            type = type.substring(0, semi);
        }
        type = type.trim().toLowerCase(Locale.ROOT);
        for (PatchType t : values()) {
            if (t.mediaType.equals(type) && supported.contains(t)) {
                return t;
            }
        }
        throw StatusError.unsupportedMediaType(Arrays.stream(values()).filter(supported::contains)
                .map(PatchType::mediaType).toList());
    }
}
