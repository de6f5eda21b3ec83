package dev.kapi.apiserver.server.security;

import dev.kapi.apiserver.server.security.PathSpellings.Spelling;

import java.util.ArrayList;
import java.util.List;

/**
 * Spellings that dress a protected API path as one of the Swagger UI's files, which are served without an
 * authorization decision: dot segments and encoded separators after a UI path, {@code ;} parameters, the UI
 * path appended to the API path, in the query or the fragment. Each must be judged as the API path would be.
 */
final class UiPathSpellings {

    private static final List<String> PREFIXES = List.of("/swagger-ui/..", "/swagger-ui/./..", "/swagger-ui/%2e%2e",
            "/swagger-ui/.%2e", "/swagger-ui/..%2F..", "/swagger-ui%2F..", "/swagger-ui/..%5C..", "/swagger-ui\\..",
            "/swagger-ui.html/..", "/swagger-ui/index.html/../..", "/swagger-ui/index.html;/../..",
            "/swagger-ui/index.html%3B/../..", "/swagger-ui;/..", "/swagger-ui/index.html%2F..%2F..",
            "/swagger-ui/index.html%00/../..", "//swagger-ui/..", "/swagger-ui/index.html/%2e%2e/%2e%2e");
    private static final List<String> SUFFIXES = List.of("/swagger-ui/index.html", ";/swagger-ui/index.html",
            "%3B/swagger-ui/index.html", "/..;/swagger-ui/index.html", "?/swagger-ui/index.html",
            "#/swagger-ui/index.html", "%23/swagger-ui/index.html", "/../../swagger-ui/../swagger-ui.html");

    private UiPathSpellings() {
    }

    /** Every UI-dressed spelling of {@code path} (which starts with {@code /}). */
    static List<Spelling> of(String path) {
        List<Spelling> out = new ArrayList<>();
        for (String prefix : PREFIXES) {
            out.add(new Spelling("behind " + prefix, prefix + path));
        }
        for (String suffix : SUFFIXES) {
            out.add(new Spelling("followed by " + suffix, path + suffix));
        }
        return out;
    }
}
