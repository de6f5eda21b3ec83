package dev.kapi.apiserver.storage;

import dev.kapi.apiserver.api.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Encodes and decodes list continue tokens exactly like kube-apiserver: unpadded URL-safe base64 of
 * {@code {"v":"meta.k8s.io/v1","rv":<revision>,"start":"<next key relative to the list prefix>"}}.
 * Shared by every backend so a token from one server works on another.
 */
public final class ContinueTokens {

    private static final String VERSION = "meta.k8s.io/v1";
    private static final String INVALID = "continue key is not valid";

    /** A decoded token: the absolute key to start at (inclusive) and the revision to read at. */
    public record Position(String startKey, long revision) {
    }

    private ContinueTokens() {
    }

    /**
     * The token for a list under {@code prefix} that continues at {@code nextKey} (inclusive) at
     * {@code revision}.
     */
    public static String encode(String prefix, String nextKey, long revision) {
        if (!nextKey.startsWith(prefix) || nextKey.equals(prefix)) {
            throw new IllegalArgumentException("key " + nextKey + " is not under " + prefix);
        }
        Map<String, Object> token = new LinkedHashMap<>();
        token.put("v", VERSION);
        token.put("rv", revision);
        token.put("start", nextKey.substring(prefix.length()));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(token));
    }

    /**
     * Decodes a token for a list under {@code prefix}; the start key can never leave the prefix.
     *
     * @throws StorageException INVALID_CONTINUE with kube's message when the token is malformed
     */
    public static Position decode(String token, String prefix) {
        JsonNode node;
        try {
            byte[] json = Base64.getUrlDecoder().decode(stripPadding(token));
            node = Json.MAPPER.readTree(new String(json, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw invalid(INVALID + ": " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw invalid(INVALID + ": not a JSON object");
        }
        String version = node.path("v").asString("");
        if (!VERSION.equals(version)) {
            throw invalid(INVALID + ": server does not recognize this encoded version " + version);
        }
        long revision = node.path("rv").asLong(0);
        if (revision <= 0) {
            throw invalid(INVALID + ": incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
        }
        String start = node.path("start").asString("");
        if (start.isEmpty()) {
            throw invalid(INVALID + ": encoded start key empty (version meta.k8s.io/v1)");
        }
        String rooted = start.startsWith("/") ? start : "/" + start;
        if (!isCleanPath(rooted)) {
            throw invalid(INVALID + ": " + start);
        }
        return new Position(prefix + rooted.substring(1), revision);
    }

    /** True when {@code path} (starting with /) is what Go's path.Clean would leave unchanged. */
    static boolean isCleanPath(String path) {
        if (path.equals("/")) {
            return true;
        }
        if (path.endsWith("/")) {
            return false;
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static String stripPadding(String token) {
        int end = token.length();
        while (end > 0 && token.charAt(end - 1) == '=') {
            end--;
        }
        return token.substring(0, end);
    }

    private static StorageException invalid(String message) {
        return new StorageException(StorageException.Code.INVALID_CONTINUE, null, message);
    }
}
