package dev.kapi.apiserver.filters;

import dev.kapi.apiserver.api.StatusError;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The one reading of a request's path that every later stage uses: authorization decides on it and the API
 * handler serves it, so the two can never disagree about what a URL names. The raw path (as sent, before any
 * decoding) is split at {@code /} and each segment percent-decoded as strict UTF-8, as Go decodes
 * {@code URL.Path} for kube-apiserver ({@code config%6Daps} is {@code configmaps}).
 *
 * <p>A spelling that could be read in more than one way is refused with 400 instead of guessed at: an empty
 * segment ({@code //}), a {@code .} or {@code ..} segment (raw or encoded), a {@code ;} path parameter, an
 * encoded {@code /} or {@code \}, a malformed or overlong escape ({@code %ZZ}, {@code %C0%AE}), and control
 * or line-separator characters ({@code %00}, {@code %0A}, {@code %E2%80%A8}). A single trailing {@code /} is
 * dropped, as kube-apiserver's request info does.
 */
public final class RequestPath {

    private RequestPath() {
    }

    /** The decoded segments of a raw path, e.g. {@code /api/v1/namespaces/a} → [api, v1, namespaces, a]. */
    public static List<String> segments(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/")) {
            throw invalid(rawPath, "it must begin with /");
        }
        String p = rawPath.length() > 1 && rawPath.endsWith("/") ? rawPath.substring(0, rawPath.length() - 1)
                : rawPath;
        List<String> out = new ArrayList<>();
        if (p.equals("/")) {
            return out;
        }
        for (String raw : p.substring(1).split("/", -1)) {
            if (raw.isEmpty()) {
                throw invalid(rawPath, "empty path segment");
            }
            if (raw.indexOf(';') >= 0) {
                throw invalid(rawPath, "path parameters (;) are not allowed");
            }
            out.add(checked(rawPath, decode(rawPath, raw)));
        }
        return out;
    }

    /** The decoded path, segments joined by {@code /}, e.g. {@code /api/v1/namespaces/a}. */
    public static String canonical(String rawPath) {
        return "/" + String.join("/", segments(rawPath));
    }

    private static String checked(String rawPath, String segment) {
        if (segment.equals(".") || segment.equals("..")) {
            throw invalid(rawPath, "\".\" and \"..\" segments are not allowed");
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '/' || c == '\\' || c == ';') {
                throw invalid(rawPath, "encoded \"" + c + "\" in a path segment");
            }
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                throw invalid(rawPath, "control or line separator character in the path");
            }
        }
        return segment;
    }

    private static String decode(String rawPath, String raw) {
        if (raw.indexOf('%') < 0 && raw.chars().allMatch(c -> c < 0x80)) {
            return raw;
        }
        ByteBuffer bytes = ByteBuffer.allocate(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length() || hex(raw.charAt(i + 1)) < 0 || hex(raw.charAt(i + 2)) < 0) {
                    int end = Math.min(raw.length(), i + 3);
                    throw invalid(rawPath, "invalid URL escape \"" + raw.substring(i, end) + "\"");
                }
                bytes.put((byte) (hex(raw.charAt(i + 1)) * 16 + hex(raw.charAt(i + 2))));
                i += 2;
            } else if (c < 0x80) {
                bytes.put((byte) c);
            } else {
                throw invalid(rawPath, "characters outside ASCII must be percent-encoded");
            }
        }
        bytes.flip();
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return utf8.decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw invalid(rawPath, "the path is not valid UTF-8");
        }
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    private static StatusError invalid(String rawPath, String why) {
        return StatusError.badRequest("invalid request path " + quote(rawPath) + ": " + why);
    }

    /** The path as a quoted string with non-printable characters escaped, safe to echo in a message. */
    private static String quote(String s) {
        if (s == null) {
            return "\"\"";
        }
        StringBuilder b = new StringBuilder("\"");
        int n = Math.min(s.length(), 256);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '"' || c == '\\' || c > 0x7e) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append(s.length() > n ? "...\"" : "\"").toString();
    }
}
