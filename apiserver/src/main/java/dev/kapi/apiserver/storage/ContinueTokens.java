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
        byte[] json;
        int illegal = outsideBase64Alphabet(token);
        try {
            if (illegal >= 0) {
                throw new IllegalArgumentException();
            }
            json = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) { // Go: a last group of one character
            throw invalid(INVALID + ": illegal base64 data at input byte "
                    + (illegal >= 0 ? illegal : Math.max(0, token.length() - 1)));
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(new String(json, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw invalid(INVALID + ": " + goSyntaxError(json));
        }
        String mismatch = goTypeMismatch(node);
        if (mismatch != null) {
            throw invalid(INVALID + ": " + mismatch);
        }
        String version = node == null ? "" : node.path("v").asString("");
        if (!VERSION.equals(version)) {
            throw invalid(INVALID + ": server does not recognize this encoded version");
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

    /** The first character outside unpadded URL-safe base64 ({@code =} included, as Go's Raw encoding), or -1. */
    private static int outsideBase64Alphabet(String token) {
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Go's encoding/json message for bytes that are no JSON where it can be told (nothing, or a first byte that
     * starts no value, quoted as Go's {@code quoteChar}); else that the input ended early.
     */
    private static String goSyntaxError(byte[] json) {
        int i = 0;
        while (i < json.length && (json[i] == ' ' || json[i] == '\t' || json[i] == '\n' || json[i] == '\r')) {
            i++;
        }
        if (i == json.length) {
            return "unexpected end of JSON input";
        }
        int c = json[i] & 0xff;
        if ("{[\"-0123456789tfn".indexOf(c) >= 0) {
            return "unexpected end of JSON input";
        }
        String quoted;
        if (c == '\'') {
            quoted = "\\'";
        } else if (c >= 0x20 && c < 0x7f || c >= 0xa1) {
            quoted = String.valueOf((char) c);
        } else if (c < 0x80) {
            quoted = switch (c) {
                case 7 -> "\\a";
                case 8 -> "\\b";
                case 9 -> "\\t";
                case 10 -> "\\n";
                case 11 -> "\\v";
                case 12 -> "\\f";
                case 13 -> "\\r";
                default -> String.format("\\x%02x", c);
            };
        } else {
            quoted = String.format("\\u%04x", c);
        }
        return "invalid character '" + quoted + "' looking for beginning of value";
    }

    /** Go's message when the token, or one of its fields, is JSON of another type than its Go struct's. */
    private static String goTypeMismatch(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            return "json: cannot unmarshal " + goType(node) + " into Go value of type storage.continueToken";
        }
        for (String field : new String[]{"v", "rv", "start"}) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                continue;
            }
            boolean ok = field.equals("rv") ? value.isIntegralNumber() && value.canConvertToLong() : value.isString();
            if (!ok) {
                String type = field.equals("rv") ? "int64" : "string";
                String what = value.isNumber() ? "number " + value.asString() : goType(value);
                return "json: cannot unmarshal " + what + " into Go struct field continueToken." + field
                        + " of type " + type;
            }
        }
        return null;
    }

    private static String goType(JsonNode node) {
        return node.isArray() ? "array" : node.isObject() ? "object" : node.isNumber() ? "number"
                : node.isBoolean() ? "bool" : "string";
    }

    private static StorageException invalid(String message) {
        return new StorageException(StorageException.Code.INVALID_CONTINUE, null, message);
    }
}
