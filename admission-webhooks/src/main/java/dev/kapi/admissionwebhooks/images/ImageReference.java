package dev.kapi.admissionwebhooks.images;

import java.util.Locale;

/**
 * A container image reference split as the container runtime reads it (Docker's reference rules):
 * {@code [registry/]repository[:tag][@digest]}. The first path component is the registry when it has a
 * {@code .} or a {@code :} or is {@code localhost}; otherwise the image is on Docker Hub, {@code docker.io},
 * and a single-component repository is an official image under {@code library/}
 * ({@code nginx} is {@code docker.io/library/nginx}). {@code index.docker.io} is also {@code docker.io}.
 *
 * @param registry   the registry host (and port), lower case
 * @param repository the path within the registry
 * @param tag        null when the reference has none (the runtime then pulls {@code :latest})
 * @param digest     null when the reference has none
 */
public record ImageReference(String original, String registry, String repository, String tag, String digest) {

    public static final String DOCKER_HUB = "docker.io";

    public static ImageReference parse(String image) {
        String rest = image.trim();
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        String registry = DOCKER_HUB;
        int slash = rest.indexOf('/');
        if (slash > 0 && isRegistry(rest.substring(0, slash))) {
            registry = normalizeRegistry(rest.substring(0, slash));
            rest = rest.substring(slash + 1);
        }
        if (registry.equals(DOCKER_HUB) && !rest.contains("/")) {
            rest = "library/" + rest;
        }
        return new ImageReference(image, registry, rest, tag, digest);
    }

    /** A registry host as written in an image or a setting, in the form {@link #registry()} has. */
    public static String normalizeRegistry(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("index.docker.io") ? DOCKER_HUB : h;
    }

    /** Whether the reference pins a version: a digest, or a tag other than {@code latest}. */
    public boolean pinned() {
        return digest != null || (tag != null && !tag.equals("latest"));
    }

    private static boolean isRegistry(String component) {
        return component.contains(".") || component.contains(":") || component.equals("localhost");
    }
}
